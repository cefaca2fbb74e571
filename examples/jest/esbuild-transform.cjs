// A minimal Jest transform for TypeScript test files: esbuild strips the types (it is already
// installed here, as tsx's and Vite's compiler). ts-jest or @swc/jest do the same job in a
// project of your own.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename, options) {
    const { code, map } = transformSync(source, {
      loader: 'ts',
      // ESM when Jest runs test files as native modules (--experimental-vm-modules).
      format: options.supportsStaticESM ? 'esm' : 'cjs',
      target: `node${process.versions.node.split('.')[0]}`,
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
};
