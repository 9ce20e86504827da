"""Work over many rows on a Dask cluster: replay and what-if jobs, batch assessment of populations.

cluster     connect · connected · shared_cluster (LocalCluster, or DASK_SCHEDULER_ADDRESS)
partitions  Partition · plan · run (key ranges, each counted once; failures named)
worker      what a worker keeps: open databases, compiled versions by content hash
replay      run_replay_job (partitions of recorded decisions replayed where they are read)
"""
