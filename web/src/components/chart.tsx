/**
 * Charts with TradingView's lightweight-charts: candles with the strategy's indicator
 * lines and a marker on every entry and exit (oscillators such as RSI and MACD in a pane
 * below), and line charts for equity curves. Series are updated in place when live data
 * arrives, so the user's zoom and scroll survive updates.
 */
import { useEffect, useRef } from 'react';
import {
  CandlestickSeries, ColorType, createChart, createSeriesMarkers, CrosshairMode, HistogramSeries, LineSeries,
  type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type SeriesMarker, type SeriesType, type Time, type UTCTimestamp,
} from 'lightweight-charts';
import type { ChartData } from '../types.ts';

const LINE_COLOURS = ['#f5a623', '#4a90e2', '#bd10e0', '#50e3c2', '#e86a92', '#b8e986', '#9013fe'];
const UP = '#26a69a';
const MAX_LABELLED_MARKERS = 40;
const DOWN = '#ef5350';

const seconds = (ms: number) => (ms / 1000) as UTCTimestamp;

function themeOptions() {
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches ?? true;
  return {
    layout: { background: { type: ColorType.Solid, color: 'transparent' }, textColor: dark ? '#c9d1d9' : '#24292f', attributionLogo: false },
    grid: { vertLines: { color: dark ? '#21262d' : '#eaeef2' }, horzLines: { color: dark ? '#21262d' : '#eaeef2' } },
    rightPriceScale: { borderVisible: false },
    timeScale: { borderVisible: false, timeVisible: true, secondsVisible: false },
    crosshair: { mode: CrosshairMode.Normal },
    autoSize: true,
  };
}

/** Decimals that show a price's moves: 2 for BTC/USDT, 6 for ETH/BTC at 0.09. */
export function pricePrecision(price: number | undefined): number {
  if (!price || !Number.isFinite(price) || price <= 0) return 2;
  return Math.min(10, Math.max(2, Math.ceil(-Math.log10(price)) + 4));
}

/** Candles, indicator lines and entry/exit markers. */
export function PriceChart({ data, height = 380, label }: { data: ChartData; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<IChartApi | undefined>(undefined);
  const candles = useRef<ISeriesApi<'Candlestick'> | undefined>(undefined);
  const markers = useRef<ISeriesMarkersPluginApi<Time> | undefined>(undefined);
  const lines = useRef(new Map<string, ISeriesApi<SeriesType>>());
  // Until the user zooms or scrolls, every update shows all candles; after that, their view is kept.
  const userMoved = useRef(false);

  useEffect(() => {
    const created = createChart(container.current!, themeOptions());
    chart.current = created;
    candles.current = created.addSeries(CandlestickSeries, { upColor: UP, downColor: DOWN, borderVisible: false, wickUpColor: UP, wickDownColor: DOWN });
    markers.current = createSeriesMarkers(candles.current, []);
    const lineMap = lines.current;
    const element = container.current!;
    const moved = () => {
      userMoved.current = true;
    };
    for (const name of ['wheel', 'mousedown', 'touchstart'] as const) element.addEventListener(name, moved, { passive: true });
    return () => {
      for (const name of ['wheel', 'mousedown', 'touchstart'] as const) element.removeEventListener(name, moved);
      lineMap.clear();
      created.remove();
      chart.current = undefined;
      userMoved.current = false;
    };
  }, []);

  useEffect(() => {
    const api = chart.current;
    if (!api || !candles.current) return;
    const precision = pricePrecision(data.candles.at(-1)?.close);
    const priceFormat = { type: 'price' as const, precision, minMove: 10 ** -precision };
    candles.current.applyOptions({ priceFormat });
    candles.current.setData(data.candles.map((candle) => ({ time: seconds(candle.time), open: candle.open, high: candle.high, low: candle.low, close: candle.close })));
    const wanted = new Set(data.indicators.map((line) => line.name));
    for (const [name, series] of lines.current) {
      if (!wanted.has(name)) {
        api.removeSeries(series);
        lines.current.delete(name);
      }
    }
    data.indicators.forEach((line, index) => {
      let series = lines.current.get(line.name);
      const histogram = line.name.endsWith('.histogram');
      if (!series) {
        const pane = line.pane === 'price' ? 0 : 1;
        series = histogram
          ? api.addSeries(HistogramSeries, { color: '#8b949e', priceLineVisible: false, lastValueVisible: false, title: line.name }, pane)
          : api.addSeries(LineSeries, { color: LINE_COLOURS[index % LINE_COLOURS.length], lineWidth: 2, priceLineVisible: false, lastValueVisible: false, title: line.name, ...(pane === 0 ? { priceFormat } : {}) }, pane);
        lines.current.set(line.name, series);
      }
      series.setData(line.points.map((point) => (histogram ? { time: seconds(point.time), value: point.value, color: point.value >= 0 ? UP : DOWN } : { time: seconds(point.time), value: point.value })));
    });
    const oscillatorPane = api.panes()[1];
    if (oscillatorPane) oscillatorPane.setHeight(Math.round(height * 0.28));
    // Labels on a few markers help; on hundreds they hide the candles.
    const room = Math.floor((container.current?.clientWidth ?? 800) / 80);
    const labelled = data.markers.length <= Math.min(MAX_LABELLED_MARKERS, room);
    const shown: SeriesMarker<Time>[] = data.markers.map((marker) => ({
      time: seconds(marker.time),
      position: marker.side === 'buy' ? 'belowBar' : 'aboveBar',
      shape: marker.side === 'buy' ? 'arrowUp' : 'arrowDown',
      color: marker.side === 'buy' ? UP : DOWN,
      ...(labelled ? { text: marker.text } : {}),
    }));
    markers.current?.setMarkers(shown);
    if (!userMoved.current && data.candles.length > 0) api.timeScale().fitContent();
  }, [data, height]);

  const entries = data.markers.filter((marker) => marker.side === 'buy').length;
  return (
    <figure className="chart" aria-label={label} data-candles={data.candles.length} data-markers={data.markers.length} data-indicators={data.indicators.map((line) => line.name).join(' ')}>
      <div ref={container} style={{ height }} />
      <figcaption>
        {data.market} · {data.timeframe} · {data.candles.length} candles · {entries} entries, {data.markers.length - entries} exits
        {data.indicators.length > 0 ? ` · ${data.indicators.map((line) => line.name).join(', ')}` : ''}
      </figcaption>
    </figure>
  );
}

export interface LineData {
  readonly name: string;
  readonly points: readonly { time: number; value: number }[];
}

/** One or more lines (an equity curve, or several to compare). */
export function LineChart({ series, height = 200, label }: { series: readonly LineData[]; height?: number; label: string }) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const created = createChart(container.current!, themeOptions());
    series.forEach((line, index) => {
      const added = created.addSeries(LineSeries, { color: series.length === 1 ? '#4a90e2' : LINE_COLOURS[index % LINE_COLOURS.length], lineWidth: 2, priceLineVisible: false, title: series.length > 1 ? line.name : '' });
      // Times must rise strictly; samples that land on one second keep the last value.
      const bySecond = new Map<number, number>();
      for (const point of line.points) bySecond.set(Math.floor(point.time / 1000), point.value);
      added.setData([...bySecond].sort((a, b) => a[0] - b[0]).map(([time, value]) => ({ time: time as UTCTimestamp, value })));
    });
    created.timeScale().fitContent();
    return () => created.remove();
  }, [series]);
  return (
    <figure className="chart" aria-label={label} data-series={series.length}>
      <div ref={container} style={{ height }} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
