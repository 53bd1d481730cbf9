# Placeholder until the run/ship issue: see README.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
