import { Histogram, type MetricType, type Registry } from 'prom-client';
import type { THistogramSeries } from '@cia/db';

/** prom-client declares MetricType as an enum but does not export it at run time. */
const HISTOGRAM = 'histogram' as unknown as MetricType;

type THistogramExport = Awaited<ReturnType<Histogram['get']>>;

export type TPrecomputedHistogramConfig = { name: string; help: string; labelNames: string[]; buckets: readonly number[]; registry: Registry };

/**
 * A histogram whose cumulative bucket counts are computed elsewhere (in SQL over every analysis)
 * instead of observed one value at a time in this process. prom-client cannot load bucket
 * counts, so the export is built here in the shape its registry renders.
 */
export class PrecomputedHistogram extends Histogram {
  private series: THistogramSeries[] = [];
  private readonly metricName: string;
  private readonly helpText: string;
  private readonly bounds: readonly number[];

  constructor(config: TPrecomputedHistogramConfig) {
    super({ name: config.name, help: config.help, labelNames: config.labelNames, buckets: [...config.buckets], registers: [config.registry] });
    this.metricName = config.name;
    this.helpText = config.help;
    this.bounds = config.buckets;
  }

  /** Series whose cumulative counts follow this histogram's bounds. */
  setSeries(series: THistogramSeries[]): void {
    this.series = series;
  }

  override async get(): Promise<THistogramExport> {
    return this.exportSeries();
  }

  /** The registry renders text from this method when a metric has it. */
  async getForPromString(): Promise<THistogramExport> {
    return this.exportSeries();
  }

  private exportSeries(): THistogramExport {
    const bucket = `${this.metricName}_bucket`;
    const values: THistogramExport['values'] = [];
    for (const s of this.series) {
      this.bounds.forEach((le, i) => values.push({ metricName: bucket, labels: { ...s.labels, le }, value: s.buckets[i] ?? 0 }));
      values.push({ metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.metricName}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.metricName}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.metricName, help: this.helpText, type: HISTOGRAM, aggregator: 'sum', collect: () => undefined, values };
  }
}
