"""The monitoring's charts: SVG strings drawn by common/charts.py (which the monitoring of influence shares;
the feature apps cannot import one another), named here as the monitoring's pages and report use them."""

from common.charts import PALETTE, Series, bar_chart, format_number, line_chart

__all__ = ["PALETTE", "Series", "bar_chart", "format_number", "line_chart"]
