"""Countries: ISO codes with names in three languages and ICLD partner-country periods."""

from httpx import AsyncClient


async def test_country_has_names_in_english_swedish_and_spanish(client: AsyncClient) -> None:
    response = await client.get("/api/v1/countries/se")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["alpha3"]) == ("SE", "SWE")
    assert (body["name_en"], body["name_sv"], body["name_es"]) == ("Sweden", "Sverige", "Suecia")
    assert body["eligibility"] == []
    assert body["eligible_today"] is False


async def test_kosovo_is_xk_and_a_partner_country(client: AsyncClient) -> None:
    body = (await client.get("/api/v1/countries/XK")).json()
    assert body["name_sv"] == "Kosovo"
    assert body["funding_region"] == "europe"
    assert body["eligible_today"] is True


async def test_zambia_has_been_eligible_since_before_alingsas_began(client: AsyncClient) -> None:
    body = (await client.get("/api/v1/countries/ZM")).json()
    assert [(p["valid_from"], p["valid_to"]) for p in body["eligibility"]] == [("2008-01-01", None)]
    assert body["eligibility"][0]["cluster"] == "Southern Africa"


async def codes(client: AsyncClient, **params: str) -> list[str]:
    response = await client.get("/api/v1/countries", params={"limit": "100", **params})
    assert response.status_code == 200
    return [c["code"] for c in response.json()["items"]]


async def test_eligible_countries_change_with_the_date(client: AsyncClient) -> None:
    in_2015 = await codes(client, eligible_on="2015-06-01")
    in_2020 = await codes(client, eligible_on="2020-06-01")
    in_2024 = await codes(client, eligible_on="2024-06-01")
    assert len(in_2015) == 21  # the 19 of [FAQ] plus Belarus and India
    assert {"BY", "IN", "ZM", "GE"} <= set(in_2015)
    assert len(in_2020) == 19
    assert {"BY", "IN", "CO"}.isdisjoint(in_2020)
    assert in_2024 == sorted(
        ["BA", "XK", "RS", "UA", "CO", "GT", "KE", "TZ", "UG", "RW", "BW", "ZA", "ZM", "ZW"]
    )


async def test_filter_by_funding_region_and_search(client: AsyncClient) -> None:
    assert await codes(client, funding_region="latin_america") == ["CO", "GT"]
    assert await codes(client, q="Sydafrika") == ["ZA"]
    assert await codes(client, q="Guatem") == ["GT"]


async def test_unknown_country_is_404(client: AsyncClient) -> None:
    response = await client.get("/api/v1/countries/QQ")
    assert response.status_code == 404
    assert response.json()["code"] == "not-found"


async def test_country_etag_and_not_modified(client: AsyncClient) -> None:
    first = await client.get("/api/v1/countries/KE")
    etag = first.headers["etag"]
    again = await client.get("/api/v1/countries/KE", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = await client.get("/api/v1/countries/KE", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200
