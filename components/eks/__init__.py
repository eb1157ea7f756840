"""EMR on EKS: an EKS cluster with Spot node groups, a virtual cluster and an IRSA job execution role."""
