"""Every write of 年度考核, one function each: `tables` (the indicator table of a year), `sheets` (findings,
outside results, quarterly bulletins, closing a sheet), `submissions` (信息报送 and 采用)."""
