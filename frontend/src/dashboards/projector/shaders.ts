// The Projector's point shaders (three.js ShaderMaterial: `position` and the matrices are
// declared by three). A point is a disc in its colour, or its thumbnail from the sprite atlas
// framed in its colour; dimmed points keep their colour at a low alpha.

export const VERTEX_SHADER = /* glsl */ `
attribute vec4 a_color;
attribute float a_size;
attribute float a_sprite;
uniform float u_pointPx;
uniform float u_refDist;
uniform float u_perspective;
uniform float u_zoom;
varying vec4 v_color;
varying float v_sprite;

void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  // 3-D: points shrink with distance; 2-D: they grow (gently) as one zooms in.
  float scale = u_perspective > 0.5 ? u_refDist / max(-mv.z, 0.05) : sqrt(u_zoom);
  gl_PointSize = clamp(a_size * u_pointPx * scale, 1.0, 256.0);
  v_color = a_color;
  v_sprite = a_sprite;
}
`;

export const FRAGMENT_SHADER = /* glsl */ `
uniform sampler2D u_atlas;
uniform float u_useSprite;
uniform vec2 u_cellUv;
uniform float u_cols;
varying vec4 v_color;
varying float v_sprite;

void main() {
  vec2 p = gl_PointCoord;
  if (u_useSprite > 0.5) {
    float row = floor((v_sprite + 0.5) / u_cols);
    float col = v_sprite - row * u_cols;
    vec4 tex = texture2D(u_atlas, (vec2(col, row) + p) * u_cellUv);
    float edge = min(min(p.x, p.y), min(1.0 - p.x, 1.0 - p.y));
    gl_FragColor = vec4(edge < 0.07 ? v_color.rgb : tex.rgb, v_color.a);
  } else {
    vec2 d = p - vec2(0.5);
    float r2 = dot(d, d);
    if (r2 > 0.25) discard;
    gl_FragColor = vec4(v_color.rgb * (r2 > 0.15 ? 0.72 : 1.0), v_color.a);
  }
}
`;
