"""What operators need to run Golden Hour: metrics, liveness and readiness
probes, and the files the load balancer uses."""
