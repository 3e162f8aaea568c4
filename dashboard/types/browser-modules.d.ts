// Vite's `?raw` imports: the file's text as a string (the worklet is loaded from it through a Blob URL).
declare module '*?raw' {
  const text: string;
  export default text;
}
