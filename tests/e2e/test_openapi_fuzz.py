"""Schemathesis over the whole OpenAPI description: every operation, authenticated, every check.

``riskgraph serve`` in its own process, over real HTTP, on the real Neo4j with two scored months
loaded; the description is the app's own (``create_app().openapi()``, which needs no server).
Each operation is called with the key of a role the access table admits for it, so the checks
reach the route's own answers (schemathesis's ``ignored_auth`` check also calls without the key
and expects 401). Examples are bounded per operation so the suite stays within CI time; the
checks are schemathesis's defaults, all of them.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from neo4j import Driver
from stdnum.cn import ric, uscc

from riskgraph.api.app import create_app
from riskgraph.graph import db
from riskgraph.reference.identifiers import person_id_problem
from riskgraph.settings import Settings
from tests.e2e.service import running_service
from tests.keys import admitted
from tests.related_risk import load_and_score

EXAMPLES_PER_OPERATION = 30


@pytest.fixture(scope="module")
def base_url(driver: Driver, neo4j_settings: Settings) -> Iterator[str]:
    with db.session(driver, neo4j_settings) as sess:
        sess.run(db.cypher("admin/delete_all")).consume()
    load_and_score(driver, neo4j_settings)
    with running_service(neo4j_settings.model_copy(update={"users_path": _KEYS.users_path})) as base:
        yield base
    shutil.rmtree(_KEYS_DIR, ignore_errors=True)


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC = (st.text(alphabet=USCC_CHARS, min_size=17, max_size=17).map(lambda s: s + uscc.calc_check_digit(s))
        .filter(uscc.is_valid))
SCHEME_ID = st.from_regex(r"[a-z][a-z0-9_]{1,15}:[!-~]{1,40}", fullmatch=True)


def _resident_id(place: str, born: dt.date, seq: int) -> str:
    body = f"{place}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "?")  # stdnum reads the first 17 of 18 characters


RESIDENT_ID = st.builds(_resident_id, st.sampled_from(["440305", "110105", "310104", "445222"]),
                        st.dates(dt.date(1992, 1, 1), dt.date(2005, 12, 31)), st.integers(0, 999)
                        ).filter(lambda number: person_id_problem(number) is None)  # the place in use at birth
# What the patterns cannot say (a check digit), the formats name; values of these formats are valid ones.
schemathesis.openapi.format("firm-id", st.one_of(USCC, SCHEME_ID))
schemathesis.openapi.format("resident-id", RESIDENT_ID)
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


# Schemathesis sets a case's auth when it generates the case, some at collection, before any fixture runs: the
# keys live in a users file of this module's own, which the served service is pointed at.
_KEYS_DIR = Path(tempfile.mkdtemp(prefix="riskgraph-fuzz-keys-"))
_KEYS = Settings(users_path=_KEYS_DIR / "users.json", audit_path=_KEYS_DIR / "audit.jsonl",
                 audit_key="fuzz-audit-key")  # type: ignore[arg-type]


def _operation(case: schemathesis.Case, ctx: object) -> str:
    return f"{case.operation.method.upper()} {case.operation.path}"


@schema.auth(cache_by_key=_operation)
class RoleKeys:
    """Each operation gets the key of a role its rule admits; schemathesis leaves it off where it tests that a
    missing key is refused (and expects 401)."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        return admitted(_KEYS, case.operation.method, case.operation.path)["Authorization"].split()[1]

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_keeps_its_openapi_promises(case: schemathesis.Case, base_url: str) -> None:
    case.call_and_validate(base_url=base_url)
