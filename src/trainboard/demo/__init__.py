"""``trainboard demo``: train a small CNN on scikit-learn's digits and log every kind."""
