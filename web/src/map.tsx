// Maps with Leaflet and no external tiles: the background is a plain grid drawn in the browser
// (GridLayer on canvas), so every page works offline. A tile server can be chosen in Settings
// (stored in this browser as `canvass.tiles_url`, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png).
import L from "leaflet";
import "leaflet/dist/leaflet.css";
import { useEffect, useRef } from "preact/hooks";

export interface LatLng {
  lat: number;
  lng: number;
}
export interface MapCircle {
  center: LatLng;
  radius_m: number;
  label?: string;
  color?: string;
}
export interface MapPoint {
  lat: number;
  lng: number;
  label?: string;
  color?: string;
}

export const DEMO_CENTER: LatLng = { lat: 39.7817, lng: -89.6501 };

export function tilesUrl(): string {
  try {
    return localStorage.getItem("canvass.tiles_url") ?? "";
  } catch {
    return "";
  }
}

const Grid = L.GridLayer.extend({
  createTile(coords: L.Coords) {
    const tile = document.createElement("canvas");
    const size = (this as L.GridLayer).getTileSize();
    tile.width = size.x;
    tile.height = size.y;
    const ctx = tile.getContext("2d")!;
    ctx.fillStyle = "#f2f4f1";
    ctx.fillRect(0, 0, size.x, size.y);
    ctx.strokeStyle = "#d9ded6";
    ctx.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const p = (i * size.x) / 4 + 0.5;
      ctx.beginPath();
      ctx.moveTo(p, 0);
      ctx.lineTo(p, size.y);
      ctx.moveTo(0, p);
      ctx.lineTo(size.x, p);
      ctx.stroke();
    }
    ctx.strokeStyle = "#b9c2b4";
    ctx.strokeRect(0.5, 0.5, size.x, size.y);
    if (coords.z >= 14) {
      ctx.fillStyle = "#98a293";
      ctx.font = "10px system-ui, sans-serif";
      ctx.fillText(`${coords.z}/${coords.x}/${coords.y}`, 4, 12);
    }
    return tile;
  },
});

export function MapView(props: {
  center?: LatLng;
  zoom?: number;
  circles?: MapCircle[];
  points?: MapPoint[];
  polygons?: { points: [number, number][]; label?: string; color?: string }[];
  onClick?: (p: LatLng) => void;
  label: string;
  height?: string;
  fit?: boolean;
}) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const click = useRef(props.onClick);
  click.current = props.onClick;

  useEffect(() => {
    const m = L.map(el.current!, {
      center: props.center ?? DEMO_CENTER,
      zoom: props.zoom ?? 14,
      attributionControl: true,
      keyboard: true,
    });
    const url = tilesUrl();
    if (url) L.tileLayer(url, { maxZoom: 19, attribution: "map tiles: " + new URL(url.replace(/[{}]/g, "")).host }).addTo(m);
    else new (Grid as any)({ attribution: "grid background (no external tiles)" }).addTo(m);
    m.on("click", (e: L.LeafletMouseEvent) => click.current?.({ lat: e.latlng.lat, lng: e.latlng.lng }));
    layer.current = L.layerGroup().addTo(m);
    map.current = m;
    return () => {
      m.stop();
      m.remove();
      map.current = null;
      layer.current = null;
    };
  }, []);

  useEffect(() => {
    const g = layer.current;
    const m = map.current;
    if (!g || !m) return;
    g.clearLayers();
    const bounds: L.LatLngBounds[] = [];
    for (const p of props.polygons ?? []) {
      const poly = L.polygon(p.points, { color: p.color ?? "#555", weight: 1, fill: false, dashArray: "4 4" });
      if (p.label) poly.bindTooltip(p.label);
      poly.addTo(g);
    }
    for (const c of props.circles ?? []) {
      const circle = L.circle([c.center.lat, c.center.lng], {
        radius: c.radius_m,
        color: c.color ?? "#1d4e89",
        weight: 2,
        fillOpacity: 0.12,
      });
      if (c.label) circle.bindTooltip(c.label);
      circle.addTo(g);
      bounds.push(circle.getBounds());
    }
    for (const p of props.points ?? []) {
      const mk = L.circleMarker([p.lat, p.lng], {
        radius: 7,
        color: "#fff",
        weight: 2,
        fillColor: p.color ?? "#c0392b",
        fillOpacity: 1,
      });
      if (p.label) mk.bindTooltip(p.label);
      mk.addTo(g);
      bounds.push(L.latLngBounds([p.lat, p.lng], [p.lat, p.lng]));
    }
    if (props.fit && bounds.length) {
      let b = bounds[0];
      for (const x of bounds.slice(1)) b = b.extend(x);
      m.fitBounds(b.pad(0.2), { maxZoom: 16, animate: false });
    }
  }, [JSON.stringify([props.circles, props.points, props.polygons])]);

  useEffect(() => {
    if (props.center && map.current && !props.fit) map.current.panTo([props.center.lat, props.center.lng], { animate: false });
  }, [props.center?.lat, props.center?.lng]);

  return (
    <div
      ref={el}
      class="map"
      role="region"
      aria-label={props.label}
      style={{ height: props.height ?? "360px" }}
    />
  );
}
