"""Offline evaluation: scripted cases (clause_qa, interview), metrics, reports, regressions and gates."""
