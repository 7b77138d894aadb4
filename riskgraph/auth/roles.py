"""The service's roles: what each kind of user is for, in Chinese and English.

Which routes a role may use is not here but in the access table the API reads
(``riskgraph/api/access.yaml``); a role is only a name with a purpose.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INVESTIGATOR = "investigator"  # entity details, networks, persons masked
    ANALYST = "analyst"  # aggregates and hotspots; no person-level data
    INTEGRATOR = "integrator"  # another system: classes and reasons by firm code, in batches
    AUDITOR = "auditor"  # the audit trail
    ADMIN = "admin"  # users, ingest, scoring


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.INVESTIGATOR: ("调查员", "investigator"),
    Role.ANALYST: ("分析员", "analyst"),
    Role.INTEGRATOR: ("对接系统", "integrating system"),
    Role.AUDITOR: ("审计员", "auditor"),
    Role.ADMIN: ("管理员", "administrator"),
}
