"""Huimin (惠民): one installation for a city's whole government website group."""
