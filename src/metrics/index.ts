// Public names of the metrics layer.
export { createMetrics, type Metrics } from './registry.js';
export { feedMetrics } from './event-feed.js';
export { createScrapeCollector } from './scrape.js';
export { createMetricZeroer, type KnownAtStart, type MetricZeroer } from './zero.js';
