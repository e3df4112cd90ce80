"""Render: jinja2 templates and charts to PDF with WeasyPrint."""
