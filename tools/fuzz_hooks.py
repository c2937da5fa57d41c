"""Schemathesis hooks for `make fuzz` (scripts/fuzz.sh loads them through SCHEMATHESIS_HOOKS).

One hook pair, for one false positive of the stateful phase. Schemathesis draws the same small
Idempotency-Key values again and again, also across scenarios. A create sent again with a key
and body it already used is answered, as DESIGN.md and the IETF Idempotency-Key draft say, with
the first response again (`Idempotent-Replayed: true`) and creates nothing. When the record of
that first response has since been removed (a unit a customer no longer owns, a deleted
calendar) in an earlier scenario, Schemathesis cannot see that removal and reports the 404 of
the next step as "ST302 Created resource not found". Only that case is dropped: the 404 must
follow a create whose latest answer on that path was a replay.
"""

import schemathesis

# Path of each create (with its parameters filled in) -> whether its latest answer was a replay.
_LATEST_CREATE_REPLAYED: dict[str, bool] = {}


def _replayed(response) -> bool:
    values = response.headers.get("idempotent-replayed", [])
    if isinstance(values, str):
        values = [values]
    return "true" in values


@schemathesis.hook
def after_call(context, case, response):
    if case.method.upper() == "POST":
        _LATEST_CREATE_REPLAYED[case.formatted_path] = _replayed(response)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", None) != "ST302":
        return True
    # The create that made this resource: the longest create path above the one that failed.
    path = case.formatted_path
    parents = [c for c in _LATEST_CREATE_REPLAYED if path.startswith(c.rstrip("/") + "/")]
    if not parents:
        return True
    return not _LATEST_CREATE_REPLAYED[max(parents, key=len)]
