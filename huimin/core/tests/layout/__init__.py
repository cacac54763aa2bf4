"""Real servers on loopback for the scale-out layout test (test_scale_out_layout.py) and the Redis tests."""
