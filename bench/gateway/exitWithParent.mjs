// Preloaded (`node --import`) into every server the gateway benchmark starts:
// the process exits when the benchmark's end of its stdin pipe closes, so a
// benchmark that dies, even by SIGKILL, leaves no server behind.
process.stdin.on('end', () => process.exit(1));
process.stdin.on('error', () => process.exit(1));
process.stdin.resume();
