// The widget's browser bundle, built the way Dashboard 2's third-party widget template builds: a UMD
// library named after the widget key (so Dashboard finds window['ui-gradium-mic'].UIGradiumMic), Vue and
// Vuex left to the Dashboard's own copies, CSS inlined into the JS. The output is committed (palette
// installs run no build); CI rebuilds it and fails when the result differs from the committed file.
import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'
import cssInjectedByJsPlugin from 'vite-plugin-css-injected-by-js'

const LIBRARY_NAME = 'ui-gradium-mic'

export default defineConfig({
    plugins: [vue(), cssInjectedByJsPlugin()],
    build: {
        lib: {
            entry: resolve(import.meta.dirname, 'ui/index.js'),
            name: LIBRARY_NAME,
            formats: ['umd'],
            fileName: () => `${LIBRARY_NAME}.umd.js`
        },
        outDir: 'resources',
        emptyOutDir: true,
        sourcemap: false,
        rollupOptions: {
            external: ['vue', 'vuex'],
            output: { globals: { vue: 'Vue', vuex: 'vuex' } }
        }
    }
})
