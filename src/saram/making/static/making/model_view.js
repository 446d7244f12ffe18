// The 3D view of a print job's model: three.js (served from our own static files) draws the
// binary STL the page points to; drag to turn it. A thumbnail is the same view, smaller.
import * as THREE from "../vendor/three/three.module.js";

function parseStl(buffer) {
  const view = new DataView(buffer);
  const count = view.getUint32(80, true);
  const positions = new Float32Array(count * 9);
  for (let i = 0; i < count; i++) {
    const base = 84 + i * 50 + 12;
    for (let k = 0; k < 9; k++) positions[i * 9 + k] = view.getFloat32(base + k * 4, true);
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.BufferAttribute(positions, 3));
  geometry.computeVertexNormals();
  return geometry;
}

async function draw(el) {
  const answer = await fetch(el.dataset.model, { credentials: "same-origin" });
  if (!answer.ok) throw new Error(`model ${answer.status}`);
  const geometry = parseStl(await answer.arrayBuffer());
  geometry.computeBoundingBox();
  geometry.center();
  geometry.computeBoundingSphere();
  const radius = geometry.boundingSphere.radius || 1;
  const width = el.clientWidth || 320;
  const height = el.clientHeight || 240;
  // Throws when the browser has no WebGL: the caller says so instead of leaving a blank box.
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setSize(width, height);
  el.textContent = "";
  el.appendChild(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0xf4f6f8);
  const camera = new THREE.PerspectiveCamera(40, width / height, radius / 100, radius * 100);
  camera.position.set(radius * 2.2, -radius * 2.2, radius * 1.8);
  camera.up.set(0, 0, 1);
  camera.lookAt(0, 0, 0);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x666666, 2.5));
  const light = new THREE.DirectionalLight(0xffffff, 1.5);
  light.position.set(1, -1, 2);
  scene.add(light);
  // Both sides: a model with inverted normals (a check finding) would otherwise look empty.
  const material = new THREE.MeshStandardMaterial({ color: 0x3b82c4, side: THREE.DoubleSide });
  const model = new THREE.Mesh(geometry, material);
  scene.add(model);
  let dragging = null;
  renderer.domElement.addEventListener("pointerdown", (e) => { dragging = [e.clientX, e.clientY]; });
  window.addEventListener("pointerup", () => { dragging = null; });
  renderer.domElement.addEventListener("pointermove", (e) => {
    if (!dragging) return;
    model.rotation.z += (e.clientX - dragging[0]) / 100;
    model.rotation.x += (e.clientY - dragging[1]) / 100;
    dragging = [e.clientX, e.clientY];
    renderer.render(scene, camera);
  });
  renderer.render(scene, camera);
}

async function show(el) {
  if (el.dataset.loadingText) el.textContent = el.dataset.loadingText;
  try {
    await draw(el);
    el.dataset.ready = "true";
  } catch (error) {
    console.error("3D view:", error);
    el.textContent = el.dataset.errorText || "";
    el.dataset.ready = "error";
  }
}

document.querySelectorAll("[data-model]").forEach((el) => { show(el); });

// Slicing or printing in progress: follow the bar, reload when the state changes.
const bar = document.querySelector("[data-progress]");
if (bar) {
  const start = bar.dataset.status;
  const tick = async () => {
    const answer = await fetch(bar.dataset.progress, { credentials: "same-origin" });
    if (!answer.ok) return;
    const data = await answer.json();
    const value = data.status === "slicing" ? data.slice_progress : data.print_progress;
    bar.value = value;
    const percent = document.getElementById("print-percent");
    if (percent && data.status === "printing") percent.textContent = value.toFixed(1);
    if (data.status !== start) { window.location.reload(); return; }
    setTimeout(tick, start === "printing" ? 5000 : 1000);
  };
  setTimeout(tick, 1000);
}
