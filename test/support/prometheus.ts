import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One sample of a scrape: its series' name (a histogram's `_bucket`, `_sum`, `_count`), labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A scrape read with a Prometheus text-format parser, as samples; and ways to
 * find them. The parser folds a histogram's series into one whatever their
 * labels, so a histogram's HELP and TYPE lines are left out first: its
 * `_bucket`, `_sum` and `_count` lines are then read as plain samples, each
 * with its own labels.
 */
export function readScrape(text: string) {
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((match) => match[1] ?? '');
  const plain = text
    .split('\n')
    .filter(
      (line) =>
        !histograms.some((name) => line === `# TYPE ${name} histogram` || line.startsWith(`# HELP ${name} `)),
    )
    .join('\n');
  const samples: Sample[] = parsePrometheusTextFormat(plain).flatMap((family) =>
    family.metrics.map((metric) => ({
      name: family.name,
      labels: metric.labels ?? {},
      value: Number(metric.value),
    })),
  );
  const families = [
    ...new Set(
      samples.map((sample) => {
        const base = sample.name.replace(/_(bucket|sum|count)$/, '');
        return histograms.includes(base) ? base : sample.name;
      }),
    ),
  ];
  const matches = (sample: Sample, labels: Record<string, string>) =>
    Object.entries(labels).every(([key, v]) => sample.labels[key] === v);
  return {
    families,
    samples,
    /** The value of the series with exactly these labels (`undefined`: no such series). */
    value: (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (sample) =>
          sample.name === name &&
          Object.keys(sample.labels).length === Object.keys(labels).length &&
          matches(sample, labels),
      )?.value,
    /** The sum over every series of a name whose labels include these. */
    sum: (name: string, labels: Record<string, string> = {}) =>
      samples
        .filter((sample) => sample.name === name && matches(sample, labels))
        .reduce((total, sample) => total + sample.value, 0),
  };
}
