// Turns the results object into Markdown tables and a hand-written SVG bar chart.
import { CONTENDERS } from './contenders.mjs';

const status = (met) => (met === true ? '✅ met' : met === false ? '❌ missed' : '⏳ pending');
const fmt = (v, digits = 0) =>
  v === null || v === undefined
    ? '–'
    : typeof v === 'number'
      ? v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
      : String(v);
const mib = (bytes) => `${(bytes / 1048576).toFixed(2)} MiB`;
const label = (id) => CONTENDERS[id] ?? id;

function table(head, rows) {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function targetRows(scenario) {
  return (scenario.targets ?? []).map((t) => [
    t.label,
    t.goal,
    fmt(t.value, typeof t.value === 'number' && !Number.isInteger(t.value) ? 3 : 0),
    status(t.met),
  ]);
}

/** Scenario 5's adapters measured directly against their floor app (a third server, same rounds). */
function floorTable(a) {
  const measured = Object.keys(a).filter((k) => a[k].floor !== undefined);
  if (measured.length === 0) return [];
  return [
    '',
    'Adapter directly ÷ its floor: the floor app with the no-ops (a third server in the same interleaved rounds), per-round ratios, then the median. "CPU ratio" is the floor\'s server CPU µs per request ÷ the adapter\'s.',
    '',
    table(
      [
        'Adapter',
        'floor app',
        'req/s with',
        'req/s floor',
        'ratio with ÷ floor',
        'server CPU µs/req floor',
        'CPU ratio',
      ],
      measured.map((k) => [
        k,
        `\`${a[k].floor.app}\` with`,
        fmt(a[k].withRequestsPerSec),
        fmt(a[k].floor.requestsPerSec),
        fmt(a[k].floor.ratio, 3),
        fmt(a[k].floor.serverCpuMicrosPerRequest, 1),
        fmt(a[k].floor.cpuRatio, 3),
      ]),
    ),
  ];
}

const sections = {
  1(s) {
    const spread = (q) => (q ? `${fmt(q[0], 3)}–${fmt(q[1], 3)}` : '–');
    const runTable = (run) => {
      const c = run.contenders;
      const cost = run.clientCost;
      return [
        table(
          [
            'Contender',
            'calls/s',
            'ratio to raw fetch',
            'spread (quartiles)',
            'p50 ms',
            'p99 ms',
            'CPU µs/call',
            'CPU ratio',
            'CPU spread',
            'token requests',
            'failed',
          ],
          Object.keys(c).map((id) => [
            label(id),
            fmt(c[id].callsPerSec),
            fmt(c[id].ratioToRaw, 3),
            spread(c[id].ratioSpread),
            fmt(c[id].p50, 2),
            fmt(c[id].p99, 2),
            fmt(c[id].cpuMicrosPerCall),
            fmt(c[id].cpuRatioToRaw, 3),
            spread(c[id].cpuRatioSpread),
            fmt(c[id].tokenRequests),
            fmt(c[id].failed),
          ]),
        ),
        '',
        ...(run.paired
          ? [
              `Paired, the targets' measurement: ours ÷ raw fetch in ${run.paired.pairs} adjacent pairs of slices (A/B/B/A order), median of the per-pair ratios: calls/s **${fmt(run.paired.ratioToRaw, 3)}** (spread ${spread(run.paired.ratioSpread)}), CPU per call **${fmt(run.paired.cpuPerCallVsRaw, 3)}** (spread ${spread(run.paired.cpuSpread)}). A/A control from the same slices (the same contender in the two adjacent slices where one pair meets the next; 1 by construction): median ${fmt(run.paired.controlRatio, 3)}, spread ${spread(run.paired.controlSpread)}: what one pair's ratio spreads by with no difference between its sides.`,
              '',
            ]
          : []),
        `Observability on the hot path: the AuthClient with an event listener and \`@auth/opentelemetry\` recording into the real SDK (in-memory reader and span exporter) ÷ the same AuthClient without, per round, median: **${fmt(run.observedRatio, 3)}** (spread ${spread(run.observedSpread)}; a cached token emits no event).`,
        ...(cost
          ? [
              '',
              `Our own code per call with \`fetch\` stubbed (no I/O): **${fmt(cost.oursMicros, 2)} µs** (${fmt(cost.oursNoTimeoutMicros, 2)} µs with \`timeoutMs: Infinity\`), against raw fetch's ${fmt(c.raw?.cpuMicrosPerCall)} µs of CPU per call here.`,
            ]
          : []),
      ];
    };
    return [
      `${s.config.concurrency} concurrent callers, long-lived token, \`GET api/v2/tenants/client_1234/alerts/search\` on the OpsRamp emulator. ${s.config.rounds} interleaved rounds × ${s.config.durationMs / 1000} s per contender; medians over rounds, with the spread of the per-round ratios (first and third quartiles). The ratio is taken within each round (contender ÷ raw fetch of the same round), then the median. "CPU ratio" is raw fetch's CPU time per call in the bench process ÷ the contender's (same rounds): it is much less disturbed by other processes than calls/s.`,
      ...(s.runs ?? [s]).flatMap((run) => [
        '',
        `### Node ${run.node}`,
        '',
        ...(run.skipped ? [`Skipped: ${run.skipped}.`] : runTable(run)),
      ]),
    ];
  },
  2(s) {
    const c = s.contenders;
    return [
      `${s.config.calls} concurrent first calls on a fresh client, token requests counted at the emulator; ${s.config.rounds} round(s), median.`,
      '',
      table(
        ['Contender', 'token requests (median)', 'worst round', 'failed calls'],
        Object.keys(c).map((id) => [
          label(id),
          fmt(c[id].tokenRequests),
          fmt(c[id].maxTokenRequests),
          fmt(c[id].failed),
        ]),
      ),
    ];
  },
  3(s) {
    const c = s.contenders;
    const runs = s.oursRuns ?? [];
    return [
      `Tokens live ${s.config.lifetimeSeconds} s (a second emulator process), ${s.config.concurrency} concurrent callers for ${s.config.durationMs / 1000} s per run, while another process keeps one core busy. Ours runs ${runs.length} times, each with a fresh client and paired with a control run: the same client at the same concurrency against a long-lived token ("p99 ÷ control"); the peers run once. Failed = the caller got an error or a non-2xx answer. "p99 ÷ scenario 1" compares with the contender's 50-caller p99 from scenario 1 (twice the callers, so about 2× by construction in a closed loop).`,
      '',
      table(
        [
          'Contender',
          'runs',
          'calls',
          'failed',
          'upstream 401s',
          'token requests',
          'p99 ms (median)',
          'p99 ÷ scenario 1',
          'p99 ÷ control',
        ],
        Object.keys(c).map((id) => [
          label(id),
          fmt(c[id].runs),
          fmt(c[id].calls),
          fmt(c[id].failed),
          fmt(c[id].upstream401),
          fmt(c[id].tokenRequests),
          fmt(c[id].p99, 2),
          fmt(c[id].p99VsScenario1, 2),
          fmt(c[id].p99VsControl, 2),
        ]),
      ),
      '',
      'Each run of ours:',
      '',
      table(
        [
          'run',
          'calls',
          'failed',
          'upstream 401s',
          'token requests',
          'p99 ms',
          'control p99 ms',
          'p99 ÷ control',
        ],
        runs.map((r, i) => [
          String(i + 1),
          fmt(r.calls),
          fmt(r.failed),
          fmt(r.upstream401),
          fmt(r.tokenRequests),
          fmt(r.p99, 2),
          fmt(r.controlP99, 2),
          fmt(r.p99VsControl, 2),
        ]),
      ),
    ];
  },
  4(s) {
    const c = s.contenders;
    const names = {
      handwritten: label('handwritten'),
      badgateway: label('badgateway'),
      openid: label('openid'),
      'ours-memory': `${label('ours')}, memory store`,
      'ours-redis': `${label('ours')}, RedisTokenStore`,
      'ours-redis-cluster': `${label('ours')}, RedisTokenStore on a 3-master Redis Cluster`,
    };
    return [
      `ASP.NET-style \`/Token\` emulator (every login revokes the user's earlier tokens), ${s.config.lifetimeSeconds} s tokens, ${s.config.workers} worker processes × ${s.config.concurrency} concurrent callers for ${s.config.durationMs / 1000} s, \`GET /api/me\`. Redis commands from \`INFO commandstats\` (reset before each run; every command the store sent or ran inside a Lua script, without the bench's own \`INFO\`/\`CONFIG\`), per API call and per token lifetime (run time ÷ token lifetime).`,
      '',
      table(
        [
          'Contender',
          'calls',
          'failed calls',
          'token requests',
          'upstream 401s',
          'Redis commands',
          'per API call',
          'per token lifetime',
        ],
        Object.keys(c).map((k) =>
          c[k].skipped
            ? [names[k] ?? k, c[k].skipped, '', '', '', '', '', '']
            : [
                names[k] ?? k,
                fmt(c[k].calls),
                `${fmt(c[k].failed)} (${c[k].failedPerWorker.join(' / ')})`,
                fmt(c[k].tokenRequests),
                fmt(c[k].upstream401),
                c[k].redis ? fmt(c[k].redis.commands) : '',
                c[k].redis ? fmt(c[k].redis.perApiCall, 4) : '',
                c[k].redis ? fmt(c[k].redis.perTokenLifetime, 1) : '',
              ],
        ),
      ),
    ];
  },
  5(s) {
    const a = s.adapters;
    return [
      `Each demo app in its own process, built with and without the adapter; \`GET /ping\` driven by autocannon (${s.config.connections} connections) from the bench process, ${s.config.rounds} interleaved rounds × ${s.config.durationSec} s per variant; median of the per-round ratios. "CPU ratio" is the server process' CPU µs per request without ÷ with the adapter (same rounds), less disturbed by other processes than req/s. The \`hono-noop-middleware\` and \`express-noop-middleware\` rows are not adapters: a bare app with what the adapter adds to its stack as no-ops (Hono: one middleware; Express: one middleware and one error middleware) vs none, the framework's own price of that stack (the floor for the adapter's row).`,
      '',
      table(
        [
          'Adapter',
          'req/s with',
          'req/s without',
          'ratio with ÷ without',
          'server CPU µs/req with',
          'without',
          'CPU ratio',
          'errors / non-2xx',
        ],
        Object.keys(a).map((k) =>
          a[k].ratio === undefined
            ? [k, a[k].pending, '', '', '', '', '', '']
            : [
                k,
                fmt(a[k].withRequestsPerSec),
                fmt(a[k].withoutRequestsPerSec),
                fmt(a[k].ratio, 3),
                fmt(a[k].withServerCpuMicrosPerRequest, 1),
                fmt(a[k].withoutServerCpuMicrosPerRequest, 1),
                fmt(a[k].cpuRatio, 3),
                `${a[k].errors} / ${a[k].non2xx}`,
              ],
        ),
      ),
      ...floorTable(a),
    ];
  },
  6(s) {
    const h = s.hot;
    const t = s.tenants;
    const checkpoints = Object.values(t)[0].growth.map((g) => g.tenants);
    return [
      `Each measurement in its own process with \`--expose-gc\`; heap used after full GCs, before and after.`,
      '',
      table(
        ['Hot path', 'value'],
        [
          ['getToken() calls', fmt(h.getTokenCalls)],
          ['getToken() per second', fmt(h.getTokenPerSec)],
          ['heap growth after the getToken() calls', mib(h.growthAfterGetTokenBytes)],
          [`heap growth after them plus ${fmt(h.fetches)} fetches`, mib(h.growthBytes)],
          [
            `control: heap growth after ${fmt(s.rawFetch.fetches)} plain fetches, fixed token`,
            mib(s.rawFetch.growthBytes),
          ],
        ],
      ),
      '',
      `Distinct tenants, each through a per-tenant flow (\`flow: ({ tenant }) => flows.clientCredentials(...)\`), one \`getToken()\` each; the token endpoint is answered in-process (an injected \`fetch\`), so only the client's memory is measured.`,
      '',
      table(
        ['Client options', ...checkpoints.map((n) => `growth @ ${fmt(n)} tenants`), 'levels off'],
        Object.entries(t).map(([k, r]) => [
          `\`${k}\``,
          ...r.growth.map((g) => mib(g.growthBytes)),
          r.bounded ? 'yes' : 'no',
        ]),
      ),
    ];
  },
  7(s) {
    return [
      `Wall time of a fresh \`node\` process that imports the module (\`await import()\`) and exits, minus the same for a bare \`node\` that imports nothing; ${s.config.runs} processes each, interleaved, median. "\`await import()\`" is the time inside the process, what the target reads: on a busy machine whole-process times spread over tens of ms.`,
      '',
      table(
        ['Module', 'process ms', 'over bare node ms', '`await import()` ms'],
        [
          ['bare `node`', fmt(s.bareMs, 1), '', ''],
          ...Object.entries(s.modules).map(([k, m]) => [
            `\`${k}\``,
            fmt(m.wallMs, 1),
            fmt(m.overBareMs, 1),
            fmt(m.importMs, 1),
          ]),
        ],
      ),
    ];
  },
  8(s) {
    const c = s.contenders;
    return [
      `A fresh process imports the client, makes one authenticated \`GET\` against the OpsRamp emulator and reads the body; "first call" is the time from the process' start (its \`performance\` time origin) to the body read. ${s.config.runs} processes each, interleaved, median; ${s.tokenRequests} token requests at the emulator in all.`,
      '',
      table(
        ['Contender', 'first call ms', 'of which import ms', 'process ms', 'failed'],
        [
          ...Object.entries(c).map(([k, r]) => [
            k === 'ours'
              ? '`@auth/core` `flows.clientCredentials`'
              : '`openid-client` `clientCredentialsGrant` + `fetch`',
            fmt(r.firstCallMs, 1),
            fmt(r.importMs, 1),
            fmt(r.wallMs, 1),
            fmt(r.failed),
          ]),
          ['bare `node` (process only)', '', '', fmt(s.bareMs, 1), ''],
        ],
      ),
    ];
  },
  9(s) {
    const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
    const w = s.withAuth;
    const wo = s.withoutAuth;
    const packages = [...new Set([...Object.keys(w.byPackage), ...Object.keys(wo.byPackage)])];
    return [
      `\`bench/worker/with-auth.mjs\` (a Hono app whose route calls an API through one \`clientCredentials\` client, imported by name) and \`without-auth.mjs\` (the same with a fixed token), bundled by esbuild ${s.config.esbuild} as for Workers (ESM, minified, \`workerd\`/\`worker\`/\`browser\` conditions), gzip at zlib's default level. Auth adds **${s.addedGzipKiB} KiB gzip** (${s.addedMinifiedKiB} KiB minified).`,
      '',
      table(
        ['', 'with auth', 'without'],
        [
          ['gzip', kib(w.gzipBytes), kib(wo.gzipBytes)],
          ['minified', kib(w.minifiedBytes), kib(wo.minifiedBytes)],
          ...packages.map((p) => [
            `minified: ${p}`,
            kib(w.byPackage[p] ?? 0),
            kib(wo.byPackage[p] ?? 0),
          ]),
        ],
      ),
      '',
      `@auth/core files in the bundle (minified bytes): ${Object.entries(w.coreFiles)
        .map(([f, b]) => `\`${f}\` ${b}`)
        .join(', ')}.`,
    ];
  },
};

/** The Markdown report. */
export function toMarkdown(results) {
  const lines = [
    '# Benchmark results',
    '',
    `${results.date} · commit ${results.commit} · ${results.mode} run · ${results.durationSec} s · Node ${results.machine.node} · ${results.machine.cpus} × ${results.machine.cpuModel} · load average at start ${results.machine.loadAverageStart.join(' / ')}, at end ${results.machine.loadAverageEnd.join(' / ')}`,
    '',
    'Ratios are what to read: every number comes from a shared, possibly busy machine; absolute times are only context.',
    '',
    '## Targets',
    '',
    table(
      ['Target', 'goal', 'measured', 'status'],
      Object.values(results.scenarios).flatMap((s) =>
        s.error
          ? [[`${s.name}`, '', `error: ${s.error.split('\n')[0]}`, '❌ error']]
          : targetRows(s),
      ),
    ),
  ];
  for (const [n, s] of Object.entries(results.scenarios)) {
    lines.push('', `## ${n}. ${s.name}`, '');
    if (s.error) lines.push('```', s.error, '```');
    else lines.push(...sections[n](s));
  }
  lines.push(
    '',
    `Versions: ${Object.entries(results.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  );
  return lines.join('\n');
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Bar labels of scenario 5's floor rows (not adapters). */
const FLOOR_LABELS = {
  'hono-noop-middleware': 'Hono floor: a no-op middleware',
  'express-noop-middleware': 'Express floor: no-op middleware + error middleware',
};

/** A horizontal bar chart of the ratios (hot path vs raw fetch, adapters with vs without). */
export function toSvg(results) {
  const groups = [];
  const s1 = results.scenarios['1'];
  if (s1?.contenders) {
    groups.push({
      title: 'Hot path: calls/s ÷ raw fetch (higher is better, target ≥ 0.97 for @auth/core)',
      bars: Object.entries(s1.contenders).map(([id, c]) => ({
        label: label(id),
        value: c.ratioToRaw,
        ours: id === 'ours',
      })),
    });
  }
  const s5 = results.scenarios['5'];
  if (s5?.adapters) {
    groups.push({
      title: 'Adapter overhead: requests/s with ÷ without the adapter (target ≥ 0.97)',
      bars: Object.entries(s5.adapters).flatMap(([k, a]) => [
        {
          label: FLOOR_LABELS[k] ?? `@auth/${k}`,
          value: a.ratio ?? null,
          note: a.pending,
          ours: FLOOR_LABELS[k] === undefined,
        },
        ...(a.floor
          ? [{ label: `@auth/${k} ÷ its no-op floor`, value: a.floor.ratio, ours: true }]
          : []),
      ]),
    });
  }
  const width = 820;
  const left = 290;
  const right = 70;
  const barH = 22;
  const gap = 8;
  const plotW = width - left - right;
  const max = Math.max(1.1, ...groups.flatMap((g) => g.bars.map((b) => b.value ?? 0)));
  const x = (v) => left + (v / max) * plotW;
  const parts = [
    `<text x="16" y="20" font-size="11" fill="#444"><tspan fill="#2f855a">■</tspan> ours, target met  <tspan fill="#c53030">■</tspan> ours, target missed  <tspan fill="#4a5568">■</tspan> <tspan fill="#a0aec0">■</tspan> peers (≥ / &lt; 0.97)  ┆ dashed: 0.97 target, solid: 1.0</text>`,
  ];
  let y = 48;
  for (const g of groups) {
    parts.push(`<text x="16" y="${y}" font-size="15" font-weight="bold">${esc(g.title)}</text>`);
    y += 14;
    const top = y;
    for (const b of g.bars) {
      parts.push(
        `<text x="${left - 8}" y="${y + barH / 2 + 5}" font-size="13" text-anchor="end">${esc(b.label)}</text>`,
      );
      if (b.value === null) {
        parts.push(
          `<text x="${left + 6}" y="${y + barH / 2 + 5}" font-size="13" fill="#888">${esc(b.note ?? 'n/a')}</text>`,
        );
      } else {
        const fill =
          b.value >= 0.97 ? (b.ours ? '#2f855a' : '#4a5568') : b.ours ? '#c53030' : '#a0aec0';
        parts.push(
          `<rect x="${left}" y="${y}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="${barH}" fill="${fill}"/>`,
        );
        parts.push(
          `<text x="${(x(b.value) + 6).toFixed(1)}" y="${y + barH / 2 + 5}" font-size="13">${b.value.toFixed(3)}</text>`,
        );
      }
      y += barH + gap;
    }
    for (const [v, dash, color] of [
      [1, '', '#222'],
      [0.97, '4 3', '#c05621'],
    ]) {
      parts.push(
        `<line x1="${x(v).toFixed(1)}" y1="${top - 4}" x2="${x(v).toFixed(1)}" y2="${y - gap + 4}" stroke="${color}" stroke-width="1"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      );
    }
    parts.push(`<text x="${(x(1) + 3).toFixed(1)}" y="${y + 10}" font-size="11">1.0</text>`);
    parts.push(
      `<text x="${(x(0.97) - 3).toFixed(1)}" y="${y + 10}" font-size="11" text-anchor="end" fill="#c05621">0.97</text>`,
    );
    y += 40;
  }
  const height = y;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<title>@auth benchmark ratios, ${esc(results.date)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...parts,
    `<text x="16" y="${height - 10}" font-size="11" fill="#666">${esc(`${results.date} · ${results.mode} run · Node ${results.machine.node} · ${results.machine.cpus} CPUs · medians of interleaved rounds`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
