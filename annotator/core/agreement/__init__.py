"""Inter-annotator agreement: span F1, unitizing alpha, label/attribute coefficients, events.

Pure Python and numpy; no Qt, no SQL. The store turns rows into records (`annotator.core
.records`), builds an `AgreementInput` and calls `agreement_report` (docs/agreement.md) or
`disagreements` (review mode, one row per difference).
"""

from annotator.core.agreement.coefficients import (
    Coefficient,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from annotator.core.agreement.disagreements import disagreements
from annotator.core.agreement.model import EVENT_ROLES, AgreementInput
from annotator.core.agreement.report import agreement_report
from annotator.core.agreement.table import format_table, report_csv_rows

__all__ = [
    "EVENT_ROLES",
    "AgreementInput",
    "Coefficient",
    "agreement_report",
    "cohen_kappa",
    "disagreements",
    "fleiss_kappa",
    "format_table",
    "krippendorff_alpha",
    "percent_agreement",
    "report_csv_rows",
]
