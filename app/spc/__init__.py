"""Statistical process control: charts, rules and capability on numpy arrays, without Qt (SPC issue)."""

from app.spc.attributes import c_chart, np_chart, p_chart, u_chart
from app.spc.capability import Capability, capability
from app.spc.charts import ControlChart, Limits, Statistic
from app.spc.errors import SpcInputError
from app.spc.rules import RULE_SETS, RULES, Violation, detect, select, violations
from app.spc.sigma import WithinSigma
from app.spc.subgroups import Subgroups
from app.spc.variables import individuals, xbar_r, xbar_s

__all__ = [
    "RULES", "RULE_SETS", "Capability", "ControlChart", "Limits", "SpcInputError", "Statistic", "Subgroups",
    "Violation", "WithinSigma", "c_chart", "capability", "detect", "individuals", "np_chart", "p_chart",
    "select", "u_chart", "violations", "xbar_r", "xbar_s",
]
