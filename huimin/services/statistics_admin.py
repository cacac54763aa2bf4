"""Admin views of the handling statistics (办事统计)."""
