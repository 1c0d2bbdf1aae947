"""The demo story of PRODUCT.md as data (``demo.story.seed``) and ``manage.py seed_demo``."""
