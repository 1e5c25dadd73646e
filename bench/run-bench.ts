// `npm run bench`: benchmarks against restic and borg arrive with the repository (issue 3).
console.log("no benchmarks yet");
