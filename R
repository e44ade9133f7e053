# Australia's Robodebt - automated welfare debts raised by averaging annual tax income

*AU · social-protection · run `c07c73799b554fc8` · 2026-12-03T21:05:12+00:00*

Real incident. From 2016 Australia's Online Compliance Intervention, later known as Robodebt, compared welfare recipients' reported fortnightly earnings with annual income data from the Australian Taxation Office, spread evenly across the year. Where the averaged figure suggested an overpayment, a debt could be raised automatically, and recipients had to disprove it, often with payslips years old. The method was unlawful: the government conceded in Federal Court in 2019 that an averaged debt had not been validly made, announced in 2020 that it would refund debts raised this way, and settled a class action. The Royal Commission into the Robodebt Scheme reported in July 2023, calling it "a crude and cruel mechanism, neither fair nor legal". The council takes the position of an oversight body while complaints mount and must decide what the department should do with the automated programme.

## Facts
- The Online Compliance Intervention, put in place in 2016, matched Centrelink records with annual Australian Taxation Office income data averaged evenly across fortnights.
- Averaging misstates income for people with irregular or casual work, so debts were raised against people who owed nothing or less than claimed.
- Debt notices put the onus on recipients to prove their earnings, often years later and through an online system.
- In late 2019 the Commonwealth accepted in Federal Court proceedings that a debt based on income averaging had not been validly made.
- In May 2020 the government announced that debts raised using income averaging would be refunded; around 470,000 debts were involved.
- A class action was settled and approved by the Federal Court in 2021, in a settlement valued at about A$1.8 billion including debts repaid or written off.
- The Royal Commission reported on 7 July 2023 with 57 recommendations and a sealed chapter referring individuals for possible further action.

## Options
- **continue-with-review-on-request**: Continue automated debt notices and offer a review to recipients who contest them
- **verify-actual-income-first**: Raise no debt on averaging alone; staff must obtain actual fortnightly income evidence before any notice
- **suspend-and-refund**: Suspend the programme, seek independent legal advice, and refund debts raised on averaging alone
- **payroll-data-matching**: Replace averaging with near-real-time employer payroll data and keep the matching automated

## Decision

**Decided: Raise no debt on averaging alone; staff must obtain actual fortnightly income evidence before any notice (4 of 4 honest seats committed).**

- Quorum: 3 of 4 needed; tolerates 1 faulty seats for safety and 1 for liveness (f = 1).
- Council: 4 seats, 0 faulty (equivocate); protocol `bft`, quorum rule `bft`, method `plurality`, update `fj`, topology `complete`, seed 0.
- Fault-free baseline: verify-actual-income-first (agrees).
- Dissent: seat 3 (Consumer-protection association advocate) for suspend-and-refund

## Plan · Do · Check · Act

### Plan

Raise no debt on averaging alone; staff must obtain actual fortnightly income evidence before any notice. Owned by government and industry.

- 3 of 4 honest seats backed it
- accepted cost: innovation (-0.40)

### Do

Carry out 'Raise no debt on averaging alone; staff must obtain actual fortnightly income evidence before any notice' with these safeguards.

- fairness: run a bias audit broken down by province, gender, language and income, before and after the change
- accountability: name an accountable owner and keep decision logs an outside auditor can read
- human-centricity: keep a human reviewer on decisions that touch livelihoods, with a simple way for people to contest them
- robustness: test on local data (Khmer text, rural and low-connectivity cases) before scaling up

### Check

Measure what the incident harmed.

- fairness (monthly): gap in error and approval rates between the most and least affected groups
- human-centricity (monthly): share of contested decisions reviewed by a person within 14 days
- accountability (monthly): audit findings closed on time by the accountable owner
- transparency (quarterly): share of affected people who can say what the system does and how to ask about a decision
- robustness (quarterly): error rate on local test sets, including Khmer-language cases

### Act

Reopen the decision when any of these happens.

- the gap in error and approval rates between the most and least affected groups worsens at two checks in a row
- the share of contested decisions reviewed by a person within 14 days worsens at two checks in a row
- the cost to innovation proves larger than accepted
- the dissenting groups (civil society) report the harm they warned of
- twelve months pass: review the decision in full

## Deliberation

| seat | persona | group | final view | rationale |
|---|---|---|---|---|
| 0 | Agriculture ministry digital-extension official | government | verify-actual-income-first | Still favours verify-actual-income-first (+0.34); moved 0.07 toward verify-actual-income-first after hearing 3 peers, most of all seat 2 (Cambodia Academy of Digital Technology digital-policy researcher) and seat 3 (Consumer-protection association advocate); openness 0.65 keeps 35% of its weight on its opening view. |
| 1 | Global cloud provider regional public-policy lead | industry | verify-actual-income-first | Still favours verify-actual-income-first (+0.40); moved 0.07 toward suspend-and-refund after hearing 3 peers, most of all seat 2 (Cambodia Academy of Digital Technology digital-policy researcher) and seat 3 (Consumer-protection association advocate); openness 0.55 keeps 45% of its weight on its opening view. |
| 2 | Cambodia Academy of Digital Technology digital-policy researcher | academia | verify-actual-income-first | Still favours verify-actual-income-first (+0.40); moved 0.13 toward continue-with-review-on-request after hearing 3 peers, most of all seat 1 (Global cloud provider regional public-policy lead) and seat 3 (Consumer-protection association advocate); openness 0.70 keeps 30% of its weight on its opening view. |
| 3 | Consumer-protection association advocate | civil society | suspend-and-refund | Still favours suspend-and-refund (+0.41); moved 0.06 toward verify-actual-income-first after hearing 3 peers, most of all seat 2 (Cambodia Academy of Digital Technology digital-policy researcher) and seat 0 (Agriculture ministry digital-extension official); openness 0.50 keeps 50% of its weight on its opening view. |

## Ballots

- Ballot 1 after round 1: verify-actual-income-first: 3, suspend-and-refund: 1 (4 honest seats committed)

## Sources

- Royal Commission into the Robodebt Scheme, 'Report' (final report), 2023-07-07, https://robodebt.royalcommission.gov.au/publications/report
- ABC News, analysis of the Robodebt Royal Commission's final report, 2023-07-09, https://www.abc.net.au/news/2023-07-09/robodebt/102580404
