"""Printable documents rendered with reportlab: certificates, inspection and SPC reports (certificates issue)."""
