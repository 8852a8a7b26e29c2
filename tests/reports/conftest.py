"""Report tests share the certificate tests' demo plant (built once per session and backend) for SPC data, and the
inspection tests' small shop for records signed through the real services."""

from tests.certificates.conftest import COMPANY, pdf_text, plant  # noqa: F401 - fixtures and helpers re-used
from tests.inspection.conftest import shop  # noqa: F401
