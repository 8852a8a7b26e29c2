"""Device readers: byte framing and decoding as pure functions, one reader thread per device (devices issue)."""
