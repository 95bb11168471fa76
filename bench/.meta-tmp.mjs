import * as esbuild from 'esbuild';
const entry = process.argv[2];
const r = await esbuild.build({ entryPoints:[entry], bundle:true, minify:true, format:'esm', platform:'browser', conditions:['workerd','worker','browser'], write:false, metafile:true, logLevel:'silent' });
const [o] = Object.values(r.metafile.outputs);
const rows = Object.entries(o.inputs).map(([p,{bytesInOutput}])=>[p.replace(/^.*node_modules\//,'').replace(/^.*packages\/core\//,'core/'),bytesInOutput]).filter(x=>x[1]>0).sort((a,b)=>b[1]-a[1]);
const filt = process.argv[3] ? new RegExp(process.argv[3]) : /./;
for (const [p,b] of rows) if (filt.test(p)) console.log(b, p);
const {gzipSync} = await import('node:zlib');
console.log('total', r.outputFiles[0].contents.length, 'gzip', gzipSync(r.outputFiles[0].contents).length);
