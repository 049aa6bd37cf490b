"""One base spider per source family (JDIHN feed, JDIH CMS, BPK, news)."""
