"""Bare FastAPI: one route, no middleware, no database. Beside it, our `/healthz` shows what our
middleware and our app's size cost on their own (the issue's floor: at least 0.8 of this).

Run: uvicorn bench.bare:app
"""

from fastapi import FastAPI

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/healthz")
async def health() -> dict[str, str]:
    return {"status": "ok"}
