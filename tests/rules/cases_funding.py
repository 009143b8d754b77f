"""Matrix rows of the funding rules (app/rules/funding.py): rounds, applications, budgets,
grants, amendments, reports and payments."""

from datetime import date, timedelta

from app.clock import today
from tests.rules.cases_partnerships import inception_grant
from tests.rules.matrix import CONFLICT, Attempt, exempt, row
from tests.rules.world import Json, World, line, sek

ROUNDS, APPLICATIONS, GRANTS = (
    "/api/v1/application-rounds",
    "/api/v1/applications",
    "/api/v1/grants",
)
ORGS = "/api/v1/organisations"
NOBODY = "00000000-0000-4000-8000-000000000000"
DECISIONS = [
    "withdraw_application",
    "assess_application",
    "approve_application",
    "reject_application",
]


def applications_of(p: Json) -> tuple[str]:
    return (f"{APPLICATIONS}?partnership_id={p['id']}",)


def grants_of(p: Json) -> tuple[str]:
    return (f"{GRANTS}?partnership_id={p['id']}",)


def amend(grant: Json, kind: str, **fields: object) -> Attempt:
    body = {"kind": kind, "reference": "KP 2020/88", "decided_on": "2020-04-01", **fields}
    return Attempt(
        "POST", f"{GRANTS}/{grant['id']}/amendments", body, watch=(f"{GRANTS}/{grant['id']}",)
    )


def report_body(grant: Json, w: World, kind: str, year: int, **cost: object) -> Json:
    return {
        "kind": kind,
        "year": year,
        "narrative": "Done.",
        "costs": [
            {"budget_line_id": w.line_id(grant, "travel", year), "amount": sek(1000), **cost}
        ],
    }


def file(grant: Json, body: Json) -> Attempt:
    return Attempt(
        "POST", f"{GRANTS}/{grant['id']}/reports", body, watch=(f"{GRANTS}/{grant['id']}",)
    )


def pay(grant: Json, report: Json, amount: int) -> Attempt:
    body = {
        "report_id": report["id"],
        "amount": sek(amount),
        "paid_on": str(today()),
        "reference": "UTB 1",
    }
    return Attempt(
        "POST",
        f"{GRANTS}/{grant['id']}/payments",
        body,
        watch=(f"{GRANTS}/{grant['id']}/balance",),
    )


# Rounds: round-period, round-open, unknown-round


@row("round-period", "create_application_round")
async def a_round_that_closes_before_it_opens(w: World) -> Attempt:
    body = {"title": "Backwards", "opens": "2027-03-15", "closes": "2027-02-15"}
    return Attempt("POST", ROUNDS, body)


@row("round-period", "update_application_round")
async def a_round_made_to_close_before_it_opens(w: World) -> Attempt:
    round_ = await w.open_round()
    day_before = date.fromisoformat(round_["opens"]) - timedelta(days=1)
    return Attempt("PATCH", f"{ROUNDS}/{round_['id']}", {"closes": str(day_before)})


async def closed_round(w: World) -> Json:
    day = today()
    body = {
        "title": "Autumn round, closed",
        "opens": str(day - timedelta(days=60)),
        "closes": str(day - timedelta(days=30)),
    }
    return await w.post(ROUNDS, body)


@row("round-open", "create_application")
async def a_project_applied_for_in_a_closed_round(w: World) -> Attempt:
    p = await w.partnership()
    body = w.project_application(p, (await closed_round(w))["id"])
    return Attempt("POST", APPLICATIONS, body, watch=applications_of(p))


@row("round-open", "update_application")
async def a_project_draft_moved_to_a_closed_round(w: World) -> Attempt:
    p = await w.partnership()
    draft = await w.post(APPLICATIONS, w.project_application(p, (await w.open_round())["id"]))
    closed = await closed_round(w)
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", {"round_id": closed["id"]})


def yesterday() -> str:
    return str(today() - timedelta(days=1))


@row("round-open", "submit_application")
async def a_project_submitted_after_its_round_closed_early(w: World) -> Attempt:
    p = await w.partnership()
    round_ = await w.open_round()
    draft = await w.post(APPLICATIONS, w.project_application(p, round_["id"]))
    await w.patch(f"{ROUNDS}/{round_['id']}", {"closes": yesterday()})
    return Attempt("POST", f"{APPLICATIONS}/{draft['id']}/submit")


async def submitted_project(w: World) -> tuple[Json, Json]:
    """A project application submitted today in a round open today: the round, the
    application (its partnership with a steering group, its plan of meetings, its letter of
    intent and budget)."""
    p = await w.partnership()
    round_ = await w.open_round()
    await w.steering_group(p)
    for day, host in (
        ("2027-10-10", "swedish"),
        ("2028-03-10", "partner"),
        ("2028-10-10", "swedish"),
        ("2029-03-10", "partner"),
    ):
        await w.meeting(p, day, host)
    attachments = await w.attachments(p)
    body = w.project_application(p, round_["id"], attachment_ids=attachments)
    draft = await w.post(APPLICATIONS, body)
    return round_, await w.post(f"{APPLICATIONS}/{draft['id']}/submit", expect=200)


@row("round-open", "update_application_round")
async def a_round_closed_before_a_submission_in_it(w: World) -> Attempt:
    round_, application = await submitted_project(w)
    return Attempt(
        "PATCH",
        f"{ROUNDS}/{round_['id']}",
        {"closes": yesterday()},
        watch=(f"{APPLICATIONS}/{application['id']}",),
    )


exempt(
    "a new round has no applications",
    ["round-open", "unknown-round"],
    ["create_application_round"],
)
exempt(
    "a withdrawal or a decision moves neither the round nor the days the application was "
    "created and submitted",
    ["round-open"],
    DECISIONS,
)


@row("unknown-round", "create_application")
async def a_project_applied_for_in_no_round(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt("POST", APPLICATIONS, w.project_application(p, NOBODY), watch=applications_of(p))


@row("unknown-round", "update_application")
async def a_project_draft_moved_to_no_round(w: World) -> Attempt:
    p = await w.partnership()
    draft = await w.post(APPLICATIONS, w.project_application(p, (await w.open_round())["id"]))
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", {"round_id": NOBODY})


# Applications: application-transition, -attachments, -budget, -period, one-open-application


@row("application-transition", "submit_application")
async def a_submitted_application_submitted_again(w: World) -> Attempt:
    application = await w.submitted()
    return Attempt("POST", f"{APPLICATIONS}/{application['id']}/submit")


@row("application-transition", "withdraw_application")
async def an_approved_application_withdrawn(w: World) -> Attempt:
    application = await w.decided("approve")
    return Attempt("POST", f"{APPLICATIONS}/{application['id']}/withdraw")


@row("application-transition", "assess_application")
async def a_draft_taken_up_for_assessment(w: World) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("POST", f"{APPLICATIONS}/{draft['id']}/assess")


@row("application-transition", "approve_application")
async def a_submitted_application_approved_unassessed(w: World) -> Attempt:
    application = await w.submitted()
    return Attempt("POST", f"{APPLICATIONS}/{application['id']}/approve")


@row("application-transition", "reject_application")
async def a_draft_rejected(w: World) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("POST", f"{APPLICATIONS}/{draft['id']}/reject", {"reason": "No."})


@row("application-transition", "update_application")
async def a_submitted_application_changed(w: World) -> Attempt:
    application = await w.submitted()
    return Attempt("PATCH", f"{APPLICATIONS}/{application['id']}", {"description": "More."})


exempt(
    "a new application is a draft, the state every application starts from",
    ["application-transition"],
    ["create_application"],
)


@row("application-attachments", "create_application")
async def an_application_with_another_partnerships_document(w: World) -> Attempt:
    p, other = await w.partnership(), await w.partnership()
    document = await w.document(other, "budget")
    body = w.inception_application(p, attachment_ids=[document["id"]])
    return Attempt("POST", APPLICATIONS, body, watch=applications_of(p))


@row("application-attachments", "update_application")
async def a_draft_given_no_document(w: World) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", {"attachment_ids": [NOBODY]})


@row("application-attachments", "submit_application")
async def a_draft_without_its_letter_and_budget_submitted(w: World) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("POST", f"{APPLICATIONS}/{draft['id']}/submit")


@row("application-attachments", "update_document")
async def the_letter_of_a_submitted_application_re_kinded(w: World) -> Attempt:
    application = await w.submitted()
    p, letter = application["p"], application["attachment_ids"][0]
    body = {"kind": "other", "swedish_signed_on": None, "partner_signed_on": None}
    return Attempt("PATCH", w.url(p, "documents", letter), body, status=409, code=CONFLICT)


@row("application-attachments", "delete_document")
async def the_letter_of_a_submitted_application_deleted(w: World) -> Attempt:
    application = await w.submitted()
    p, letter = application["p"], application["attachment_ids"][0]
    return Attempt("DELETE", w.url(p, "documents", letter), status=409, code=CONFLICT)


@row("application-attachments", "delete_document")
async def the_budget_of_a_draft_deleted(w: World) -> Attempt:
    p = await w.partnership()
    budget = await w.document(p, "budget")
    draft = await w.application(p, attachment_ids=[budget["id"]])
    return Attempt(
        "DELETE",
        w.url(p, "documents", budget["id"]),
        status=409,
        code=CONFLICT,
        watch=(f"{APPLICATIONS}/{draft['id']}",),
    )


exempt(
    "a new document is attached to no application",
    ["application-attachments"],
    ["create_document"],
)
exempt(
    "moves the state only: what a submitted application rests on stays fixed (its documents "
    "answer 409)",
    ["application-attachments"],
    DECISIONS,
)


@row("application-budget", "submit_application")
async def a_draft_without_a_budget_submitted(w: World) -> Attempt:
    p = await w.partnership()
    draft = await w.application(p, budget=[], attachment_ids=await w.attachments(p))
    return Attempt("POST", f"{APPLICATIONS}/{draft['id']}/submit")


exempt(
    "a draft may lack its budget: it is judged when the draft is submitted",
    ["application-budget"],
    ["create_application", "update_application"],
)
exempt(
    "only a draft's budget changes: a withdrawal or a decision keeps the one it was submitted with",
    ["application-budget"],
    DECISIONS,
)


@row("one-open-application", "create_application")
async def a_second_inception_application(w: World) -> Attempt:
    p = await w.partnership()
    await w.application(p)
    return Attempt("POST", APPLICATIONS, w.inception_application(p), watch=applications_of(p))


@row("one-open-application", "update_application")
async def an_inception_draft_turned_into_a_second_project_application(w: World) -> Attempt:
    p = await w.partnership()
    round_ = await w.open_round()
    await w.post(APPLICATIONS, w.project_application(p, round_["id"]))
    draft = await w.application(p)
    body = {"kind": "project", "round_id": round_["id"]}
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", body, watch=applications_of(p))


exempt(
    "the application stays undecided: still the partnership's one open application",
    ["one-open-application"],
    ["submit_application", "assess_application"],
)
exempt(
    "withdraws or decides it: the partnership has one open application fewer",
    ["one-open-application"],
    ["withdraw_application", "approve_application", "reject_application"],
)


@row("application-period", "create_application")
async def an_application_that_ends_before_it_starts(w: World) -> Attempt:
    p = await w.partnership()
    body = w.inception_application(p, planned_end="2027-02-01")
    return Attempt("POST", APPLICATIONS, body, watch=applications_of(p))


@row("application-period", "update_application")
async def a_draft_made_to_end_before_it_starts(w: World) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", {"planned_end": "2027-02-01"})


# Budgets: whole-kronor, ineligible-cost, budget-year, budget-ceiling, budget-line-once


def with_budget(budget: list[Json]) -> dict[str, list[Json]]:
    return {"budget": budget}


async def draft_and_patch(w: World, budget: list[Json]) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", with_budget(budget))


async def application_with(w: World, budget: list[Json]) -> Attempt:
    p = await w.partnership()
    body = w.inception_application(p, budget=budget)
    return Attempt("POST", APPLICATIONS, body, watch=applications_of(p))


async def grant_with(w: World, **fields: object) -> Attempt:
    p = await w.partnership()
    return Attempt("POST", GRANTS, w.grant_body(p, **fields), watch=grants_of(p))


@row("whole-kronor", "create_application")
async def a_budget_line_in_oren(w: World) -> Attempt:
    return await application_with(w, [line("travel", 1, "100000.50")])


@row("whole-kronor", "update_application")
async def a_draft_budgeted_in_oren(w: World) -> Attempt:
    return await draft_and_patch(w, [line("travel", 1, "100000.50")])


@row("whole-kronor", "create_grant")
async def a_grant_decided_in_euro(w: World) -> Attempt:
    return await grant_with(w, amount={"amount": "800000", "currency": "EUR"})


@row("whole-kronor", "amend_grant")
async def half_a_krona_moved_between_lines(w: World) -> Attempt:
    grant = await w.grant()
    move = {
        "from_line_id": w.line_id(grant, "travel", 1),
        "to_line_id": w.line_id(grant, "travel", 2),
        "amount": sek("10.50"),
    }
    return amend(grant, "reallocation", moves=[move])


@row("ineligible-cost", "create_application")
async def salaries_budgeted(w: World) -> Attempt:
    return await application_with(w, [line("salaries", 1, 100000)])


@row("ineligible-cost", "update_application")
async def a_draft_budgeting_per_diems(w: World) -> Attempt:
    return await draft_and_patch(w, [line("per_diems", 1, 100000)])


@row("ineligible-cost", "create_grant")
async def a_grant_for_extra_days(w: World) -> Attempt:
    budget = [line("extra_days", 1, 400000), line("travel", 2, 400000)]
    return await grant_with(w, budget=budget)


@row("ineligible-cost", "amend_grant")
async def an_extension_adding_salaries(w: World) -> Attempt:
    grant = await w.grant()
    return amend(grant, "extension", new_end="2022-08-31", additions=[line("salaries", 3, 1000)])


@row("budget-year", "create_application")
async def an_inception_budgeted_in_a_second_year(w: World) -> Attempt:
    return await application_with(w, [line("travel", 2, 100000)])


@row("budget-year", "update_application")
async def an_inception_draft_budgeted_in_a_second_year(w: World) -> Attempt:
    return await draft_and_patch(w, [line("travel", 2, 100000)])


@row("budget-year", "create_grant")
async def a_two_year_grant_budgeted_in_a_third_year(w: World) -> Attempt:
    budget = [line("travel", 1, 400000), line("travel", 3, 400000)]
    return await grant_with(w, budget=budget)


@row("budget-year", "amend_grant")
async def an_extension_adding_to_a_year_the_grant_does_not_have(w: World) -> Attempt:
    p = await w.partnership()
    one_year = w.grant_body(
        p,
        ends="2020-08-31",
        amount=sek(400000),
        budget=[line("travel", 1, 300000), line("venue", 1, 100000)],
    )
    grant = await w.post(GRANTS, one_year)
    return amend(grant, "extension", new_end="2020-10-31", additions=[line("travel", 3, 1000)])


@row("budget-ceiling", "create_application")
async def an_inception_budgeted_over_the_ceiling(w: World) -> Attempt:
    return await application_with(w, [line("travel", 1, 200000), line("venue", 1, 100000)])


@row("budget-ceiling", "update_application")
async def an_inception_draft_budgeted_over_the_ceiling(w: World) -> Attempt:
    return await draft_and_patch(w, [line("travel", 1, 200000), line("venue", 1, 100000)])


@row("budget-ceiling", "update_organisation")
async def the_partner_of_a_draft_moves_to_europe(w: World) -> Attempt:
    """Zambia's inception ceiling is 275,000 SEK, Bosnia and Herzegovina's 220,000."""
    p = await w.partnership()
    draft = await w.application(p, budget=[line("travel", 1, 150000), line("venue", 1, 100000)])
    return Attempt(
        "PATCH",
        f"{ORGS}/{p['partner_ids'][0]}",
        {"country_code": "BA"},
        watch=(f"{APPLICATIONS}/{draft['id']}",),
    )


@row("budget-ceiling", "delete_organisation")
async def the_partner_of_a_draft_deleted(w: World) -> Attempt:
    p = await w.partnership()
    await w.application(p)
    return Attempt("DELETE", f"{ORGS}/{p['partner_ids'][0]}", status=409, code=CONFLICT)


exempt(
    "a new organisation is party to no partnership",
    ["budget-ceiling"],
    ["create_organisation"],
)
exempt("a new partnership has no applications", ["budget-ceiling"], ["create_partnership"])


@row("budget-line-once", "create_application")
async def travel_budgeted_twice_in_a_year(w: World) -> Attempt:
    return await application_with(w, [line("travel", 1, 100000), line("travel", 1, 50000)])


@row("budget-line-once", "update_application")
async def a_draft_budgeting_travel_twice_in_a_year(w: World) -> Attempt:
    return await draft_and_patch(w, [line("travel", 1, 100000), line("travel", 1, 50000)])


@row("budget-line-once", "create_grant")
async def a_grant_with_two_travel_lines_in_a_year(w: World) -> Attempt:
    budget = [line("travel", 1, 200000), line("travel", 1, 200000), line("travel", 2, 400000)]
    return await grant_with(w, budget=budget)


exempt(
    "an extension adds to the line of the same category and year, or makes a new one; no "
    "other amendment makes lines",
    ["budget-line-once"],
    ["amend_grant"],
)

# Grants: grant-period, budget-lines-sum, grant-application, amendment


@row("grant-period", "create_grant")
async def a_grant_that_ends_before_it_starts(w: World) -> Attempt:
    return await grant_with(w, ends="2019-08-31")


@row("grant-period", "amend_grant")
async def a_grant_closed_out_before_it_starts(w: World) -> Attempt:
    """A close-out falls within the grant's period: refused as rule.amendment."""
    grant = await w.grant()
    attempt = amend(grant, "close_out", closes_on="2019-06-30")
    return Attempt(attempt.method, attempt.path, attempt.body, attempt.watch, code="rule.amendment")


@row("budget-lines-sum", "create_grant")
async def a_grant_whose_lines_sum_to_less(w: World) -> Attempt:
    return await grant_with(w, amount=sek(900000))


exempt(
    "every amendment sets the grant's amount to the sum of its lines",
    ["budget-lines-sum"],
    ["amend_grant"],
)


@row("grant-application", "create_grant")
async def a_grant_for_a_draft_application(w: World) -> Attempt:
    p = await w.partnership()
    draft = await w.application(p)
    body = inception_grant(p, application_id=draft["id"])
    return Attempt("POST", GRANTS, body, watch=grants_of(p))


exempt(
    "a grant names an approved application: a draft is named by none, and no action leaves "
    "the approved state",
    ["grant-application"],
    ["create_application", "update_application", "submit_application", *DECISIONS],
)


@row("amendment", "amend_grant")
async def an_extension_that_ends_sooner(w: World) -> Attempt:
    grant = await w.grant()
    return amend(grant, "extension", new_end="2021-06-30")


NEW_GRANT = "a new grant has no amendments, reports or payments, and is open"
exempt(
    NEW_GRANT,
    ["amendment", "below-reported", "grant-closed", "report-year", "cost-beyond-budget-line"],
    ["create_grant"],
)

# Reports and payments


@row("below-reported", "amend_grant")
async def a_line_reduced_below_what_is_reported_on_it(w: World) -> Attempt:
    grant = await w.grant()
    await w.report(grant, amount=100000)
    cut = {"line_id": w.line_id(grant, "travel", 1), "amount": sek(250000)}
    return amend(grant, "reduction", reductions=[cut])


@row("below-reported", "file_grant_report")
async def a_report_beyond_its_line(w: World) -> Attempt:
    """Refused as rule.cost-beyond-budget-line, the rule of a report's costs."""
    grant = await w.grant()
    body = report_body(grant, w, "interim", 1, amount=sek(350000))
    attempt = file(grant, body)
    return Attempt(
        attempt.method, attempt.path, body, attempt.watch, code="rule.cost-beyond-budget-line"
    )


@row("below-reported", "pay_grant")
async def a_payment_beyond_the_approved_costs(w: World) -> Attempt:
    """Refused as rule.payment-beyond-approved, the rule of a report's payments."""
    grant = await w.grant()
    report = await w.approved_report(grant, amount=100000)
    attempt = pay(grant, report, 150000)
    return Attempt(
        attempt.method,
        attempt.path,
        attempt.body,
        attempt.watch,
        code="rule.payment-beyond-approved",
    )


async def closed_grant(w: World) -> Json:
    grant = await w.grant()
    await w.amend(grant, "close_out", closes_on="2020-06-30")
    return grant


@row("grant-closed", "amend_grant")
async def a_closed_grant_postponed(w: World) -> Attempt:
    grant = await closed_grant(w)
    return amend(grant, "postponement", days=30)


@row("grant-closed", "file_grant_report")
async def a_report_on_a_year_the_close_out_cancelled(w: World) -> Attempt:
    grant = await closed_grant(w)
    return file(grant, report_body(grant, w, "final", 2))


@row("report-year", "file_grant_report")
async def an_interim_report_on_the_last_year(w: World) -> Attempt:
    grant = await w.grant()
    return file(grant, report_body(grant, w, "interim", 2))


@row("report-year", "amend_grant")
async def a_close_out_that_makes_an_interim_reports_year_the_last(w: World) -> Attempt:
    p = await w.partnership()
    three_years = w.grant_body(
        p,
        ends="2022-08-31",
        amount=sek(900000),
        budget=[line("travel", 1, 300000), line("travel", 2, 300000), line("travel", 3, 300000)],
    )
    grant = await w.post(GRANTS, three_years)
    await w.report(grant, "interim", 2, amount=1000)
    return amend(grant, "close_out", closes_on="2021-03-31")


exempt(
    "a decision changes the report's state, not its kind or year; a returned report frees its "
    "year (the rule counts reports not returned)",
    ["report-year"],
    ["approve_grant_report", "return_grant_report"],
)


@row("cost-beyond-budget-line", "file_grant_report")
async def travel_reported_beyond_its_line(w: World) -> Attempt:
    grant = await w.grant()
    await w.report(grant, "interim", 1, amount=250000)
    return file(grant, report_body(grant, w, "final", 2, amount=sek(350000)))


@row("cost-beyond-budget-line", "amend_grant")
async def a_reported_line_reduced_below_its_costs(w: World) -> Attempt:
    """Refused as rule.below-reported, the amendments' rule of the same."""
    grant = await w.grant()
    await w.report(grant, amount=280000)
    cut = {"line_id": w.line_id(grant, "travel", 1), "amount": sek(50000)}
    attempt = amend(grant, "reduction", reductions=[cut])
    return Attempt(
        attempt.method, attempt.path, attempt.body, attempt.watch, code="rule.below-reported"
    )


@row("exchange-rate", "file_grant_report")
async def a_cost_in_euro_without_its_rate(w: World) -> Attempt:
    grant = await w.grant()
    body = report_body(grant, w, "interim", 1, amount={"amount": "1000", "currency": "EUR"})
    return file(grant, body)


@row("report-transition", "approve_grant_report")
async def an_approved_report_approved_again(w: World) -> Attempt:
    grant = await w.grant()
    report = await w.approved_report(grant)
    return Attempt("POST", f"{GRANTS}/{grant['id']}/reports/{report['id']}/approve")


@row("report-transition", "return_grant_report")
async def an_approved_report_returned(w: World) -> Attempt:
    grant = await w.grant()
    report = await w.approved_report(grant)
    return Attempt("POST", f"{GRANTS}/{grant['id']}/reports/{report['id']}/return")


exempt(
    "a new report is submitted, the state decisions start from",
    ["report-transition"],
    ["file_grant_report"],
)


@row("report-due", "create_grant")
async def a_grant_of_2019_without_reports(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt("POST", GRANTS, w.grant_body(p), partnership_id=p["id"])


@row("report-due", "amend_grant")
async def a_grant_closed_out_months_ago(w: World) -> Attempt:
    """The final report falls due three months after the close-out: already past."""
    p = await w.partnership()
    starts = today() - timedelta(days=200)
    grant = await w.post(
        GRANTS,
        w.grant_body(
            p,
            decided_on=str(starts - timedelta(days=30)),
            starts=str(starts),
            ends=str(starts + timedelta(days=729)),  # two project years
        ),
    )
    body = {
        "kind": "close_out",
        "reference": "KP 1",
        "decided_on": str(today()),
        "closes_on": str(today() - timedelta(days=100)),
    }
    return Attempt("POST", f"{GRANTS}/{grant['id']}/amendments", body, partnership_id=p["id"])


exempt(
    "a filed report answers what is due: it makes none overdue",
    ["report-due"],
    ["file_grant_report"],
)


@row("payment-after-approved-report", "pay_grant")
async def a_submitted_report_paid(w: World) -> Attempt:
    grant = await w.grant()
    report = await w.report(grant)
    return pay(grant, report, 1000)


@row("payment-beyond-approved", "pay_grant")
async def more_paid_than_the_report_approved(w: World) -> Attempt:
    grant = await w.grant()
    report = await w.approved_report(grant, amount=100000)
    await w.post(
        f"{GRANTS}/{grant['id']}/payments",
        {
            "report_id": report["id"],
            "amount": sek(60000),
            "paid_on": str(today()),
            "reference": "UTB 0",
        },
    )
    return pay(grant, report, 50000)


exempt(
    "a new report has no payments; an approval is what payments follow, and adds to what may "
    "be paid; only a submitted report is returned, and it has no payments",
    ["payment-after-approved-report", "payment-beyond-approved"],
    ["file_grant_report", "approve_grant_report", "return_grant_report"],
)
