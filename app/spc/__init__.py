"""Statistical process control: charts, rules and capability on numpy arrays, without Qt (SPC issue)."""
