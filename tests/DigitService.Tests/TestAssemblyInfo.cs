// Several test classes start servers that train with every core. Run classes one after another so that
// timing promises (an SSE event every second, a stop within two seconds) are measured on a machine that is
// not also running three other trainings.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
