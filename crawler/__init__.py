"""Gathering documents from JDIH feeds, JDIH sites and news: Scrapy spiders, a validating import
pipeline, and a runner (``crawler.runner.crawl``)."""
