"""Results: what changed in each municipality, tied to a democratic principle."""

from httpx import AsyncClient

from tests.factories import PARTNERSHIPS_PATH
from tests.partnerships.test_phases import partnership


async def test_results_are_recorded_changed_and_removed(client: AsyncClient) -> None:
    p = await partnership(client)
    url = f"{PARTNERSHIPS_PATH}/{p['id']}/results"
    # Seed 004: civic information for newcomers and study circles, in Alingsås.
    made = await client.post(
        url,
        json={
            "principle": "participation",
            "side": "swedish",
            "observed_on": "2019-12-31",
            "description": "Civic information for newcomers and study circles on local democracy",
        },
    )
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{url}/{made.json()['id']}"
    changed = await client.patch(
        made.headers["location"], json={"side": "both"}, headers={"If-Match": '"v1"'}
    )
    assert (changed.json()["side"], changed.headers["etag"]) == ("both", '"v2"')
    wrong = await client.post(
        url,
        json={
            "principle": "efficiency",
            "side": "swedish",
            "observed_on": "2019-12-31",
            "description": "x",
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["pointer"] == "/principle"
    listed = await client.get(url)
    listed_items = listed.json()["items"]
    assert [(r["principle"], r["side"]) for r in listed_items] == [("participation", "both")]
    gone = await client.delete(made.headers["location"], headers={"If-Match": '"v2"'})
    assert gone.status_code == 204
    assert (await client.get(url)).json()["items"] == []
