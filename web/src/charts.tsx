// Horizontal bar charts in plain SVG (no chart library needed for bars): each bar has a text
// label and value, and the chart has a title and a data table equivalent for screen readers.
export interface Bar {
  label: string;
  value: number | string; // "fewer than 5" is drawn as a hatched stub
}

export function BarChart(props: { title: string; bars: Bar[] }) {
  const nums = props.bars.map((b) => (typeof b.value === "number" ? b.value : 0));
  const max = Math.max(1, ...nums);
  const row = 26;
  const labelW = 230;
  const width = 640;
  const barW = width - labelW - 80;
  const h = props.bars.length * row + 8;
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${h}`} role="img" aria-label={`${props.title}: ${props.bars.map((b) => `${b.label} ${b.value}`).join(", ")}`}>
        <defs>
          <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1="0" y1="0" x2="0" y2="6" stroke="#8a99ad" stroke-width="3" />
          </pattern>
        </defs>
        {props.bars.map((b, i) => {
          const y = i * row + 4;
          const small = typeof b.value !== "number";
          const w = small ? 18 : Math.max(1, (b.value as number) / max * barW);
          return (
            <g key={b.label}>
              <text x={labelW - 8} y={y + 15} text-anchor="end" class="chart-label">
                {b.label}
              </text>
              <rect x={labelW} y={y + 3} width={w} height={row - 10} fill={small ? "url(#hatch)" : "#1d4e89"} />
              <text x={labelW + w + 6} y={y + 15} class="chart-value">
                {typeof b.value === "number" ? b.value.toLocaleString() : b.value}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

// A timeline of events (e.g. plate reads) as ticks on a time axis.
export function Timeline(props: { title: string; times: { t: string; label: string }[]; from: string; to: string }) {
  const a = new Date(props.from).getTime();
  const b = new Date(props.to).getTime();
  const W = 640;
  const x = (t: string) => 20 + ((new Date(t).getTime() - a) / Math.max(1, b - a)) * (W - 40);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} 70`} role="img" aria-label={`${props.title}: ${props.times.length} events`}>
        <line x1="20" x2={W - 20} y1="40" y2="40" stroke="#444" />
        {props.times.map((e, i) => (
          <g key={i}>
            <line x1={x(e.t)} x2={x(e.t)} y1="28" y2="52" stroke="#c0392b" stroke-width="3">
              <title>{e.label}</title>
            </line>
          </g>
        ))}
        <text x="20" y="66" class="chart-label">
          {new Date(props.from).toLocaleString()}
        </text>
        <text x={W - 20} y="66" text-anchor="end" class="chart-label">
          {new Date(props.to).toLocaleString()}
        </text>
      </svg>
    </figure>
  );
}
