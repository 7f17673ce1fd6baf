// Process-wide allocator settings for long streaming runs (`sluice ingest`, the demo).
//
//   int main() { ... if (command_streams) cli::tune_heap_for_streaming(); ... }
//
// A streaming run keeps a working set of a few dozen large buffers (read buffer, one
// container block and its compressed copy per stream, the zstd workspace) that grow
// by doubling and are reallocated when a part file rolls. By default glibc serves each
// of them with a fresh mmap and returns the memory on free, so every growth touches new
// pages; on the virtual machines we run on a first touch costs about 11 us (a page
// fault trapped by the hypervisor), i.e. ~30 ms of page faults in a half-second run.
// This keeps those buffers on the heap, grows the heap in large steps, never trims it,
// and asks the kernel for transparent huge pages there (one fault per 2 MiB), where the
// kernel allows them (THP "madvise" or "always"; otherwise the advice is ignored).
//
// Costs: the heap keeps what it grew to until the process ends (bounded by the peak
// working set plus the growth step). Call once, before the run allocates; calling it
// again does nothing. Never fails: a setting the C library or kernel refuses is skipped.
#pragma once

namespace sluice::cli {

void tune_heap_for_streaming();

}  // namespace sluice::cli
