"""The API benchmark (``manage.py bench_api``): seed data, bare baseline views, a load loop."""
