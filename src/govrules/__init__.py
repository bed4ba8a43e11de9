"""govrules: regulation clauses as data, checked against what people actually did.

Load a rule set and an organisation, read an event log, and check::

    import govrules
    rules = govrules.load_rules("examples/school-ideology/rules.yaml")
    org = govrules.load_org("examples/school-ideology/org.yaml")
    events = govrules.read_events("events.csv", tz=govrules.zone_of(rules, org))
    report = govrules.check(rules, org, events, start=date(2024, 1, 1), end=date(2025, 1, 1))
"""

from govrules.checker import check, iter_findings, merge_reports
from govrules.errors import (
    CalendarError,
    EventLogError,
    GovrulesError,
    InvalidArgument,
    LoadError,
    OrganisationError,
    PeriodError,
    Problem,
    RuleSetError,
)
from govrules.events import Event, FieldMap, Rejected, read_events
from govrules.findings import Finding, FindingCode, Outcome, Report
from govrules.loaders import load_org, load_rules
from govrules.model import Organisation, RuleSet
from govrules.obligations import Obligation, obligations, zone_of

__all__ = [
    "CalendarError",
    "Event",
    "EventLogError",
    "FieldMap",
    "Finding",
    "FindingCode",
    "GovrulesError",
    "InvalidArgument",
    "LoadError",
    "Obligation",
    "Organisation",
    "OrganisationError",
    "Outcome",
    "PeriodError",
    "Problem",
    "Rejected",
    "Report",
    "RuleSet",
    "RuleSetError",
    "check",
    "iter_findings",
    "load_org",
    "load_rules",
    "merge_reports",
    "obligations",
    "read_events",
    "zone_of",
]

__version__ = "0.1.0"
