"""What the cities and the province do with pilots during construction: yearly work plans (年度工作方案), city follow-up visits (督导) and expert guidance (帮扶指导)."""
