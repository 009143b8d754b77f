"""Where the database can state a rule, it does: a change that a service lets through by mistake
is refused by the database and answered with the rule's 422, never a 500 or a 409."""

import re
from pathlib import Path

import pytest
from httpx import AsyncClient

from app.core.errors import CONSTRAINT_RULES
from app.services.partnerships import phases
from tests.factories import create_organisation, create_partnership, create_phase


async def test_overlapping_phases_are_refused_by_the_database_too(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = await create_organisation(client, type="county", country_code="KE", name="Kitui")
    partnership = await create_partnership(client, partner["id"])
    await create_phase(client, partnership["id"], "inception", "2020-02-01", "2021-01-31")
    # A service that forgets the rule: only the database's exclusion constraint is left.
    monkeypatch.setattr(phases, "check_fits", lambda *args, **kwargs: None)
    overlapping = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/phases",
        json={"kind": "inception", "planned_start": "2020-06-01", "planned_end": "2021-05-31"},
    )
    assert overlapping.status_code == 422
    problem = overlapping.json()
    assert (problem["code"], problem["constraint"]) == (
        "rule.phases-do-not-overlap",
        "ex_phases_period",
    )
    listed = await client.get(f"/api/v1/partnerships/{partnership['id']}/phases")
    assert [p["planned_start"] for p in listed.json()] == ["2020-02-01"]


async def test_problems_name_the_constraints_that_state_a_rule(anonymous: AsyncClient) -> None:
    rule = (await anonymous.get("/problems/rule.phases-do-not-overlap")).json()
    assert rule["constraints"] == ["ex_phases_period"]
    period = (await anonymous.get("/problems/rule.network-period")).json()
    assert period["constraints"] == ["ck_networks_period_order"]


def test_architecture_lists_every_constraint_that_states_a_rule() -> None:
    # ARCHITECTURE.md's table of the rules the database states names each constraint once.
    text = (Path(__file__).resolve().parents[2] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Rules the database states too", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`((?:ck|uq|ex)_[a-z_]+)`", section))
    assert listed == set(CONSTRAINT_RULES)
