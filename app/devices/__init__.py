"""Device readers: byte framing and decoding as pure functions, one reader thread per device."""

import logging

# Rejections are logged as warnings; until the application configures logging they must not reach stderr
# through logging's last-resort handler (the `devices decode` command promises one line).
logging.getLogger(__name__).addHandler(logging.NullHandler())
