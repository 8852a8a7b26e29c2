"""The one error the SPC engine raises for unusable input; its text is a sentence for the person at the bench."""

from __future__ import annotations


class SpcInputError(ValueError):
    """Data that cannot be charted (too few points, a bad CSV line …). `str(err)` says what and where.

    The engine sits below the services layer, so it does not raise `app.services.errors` types itself;
    the CLI and the services turn this into a `ValidationError` with the same sentence.
    """
