// Face boxes and labels drawn over a photo or a video frame.

/**
 * Sizes `canvas` to the image's pixel size (CSS stretches it over the image) and draws each face's box with
 * its label: green for a known person, grey for `unknown`.
 */
export function drawFaces(canvas, width, height, faces) {
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.clearRect(0, 0, width, height);
  const line = Math.max(2, Math.round(Math.min(width, height) / 160));
  const fontSize = Math.max(14, Math.round(Math.min(width, height) / 22));
  context.font = `600 ${fontSize}px system-ui, sans-serif`;
  context.textBaseline = 'top';
  for (const face of faces) {
    if (!face.box) continue;
    const known = face.prediction !== 'unknown';
    const colour = known ? '#1e8e3e' : '#80868b';
    const { x, y, width: w, height: h } = face.box;
    context.lineWidth = line;
    context.strokeStyle = colour;
    context.strokeRect(x, y, w, h);
    const text = face.prediction;
    const textWidth = context.measureText(text).width + 2 * line;
    const labelY = y - fontSize - 2 * line >= 0 ? y - fontSize - 2 * line : y + h;
    context.fillStyle = colour;
    context.fillRect(x - line / 2, labelY, textWidth, fontSize + 2 * line);
    context.fillStyle = '#ffffff';
    context.fillText(text, x + line / 2, labelY + line);
  }
}
