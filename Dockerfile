# The playground as a container: CPU torch, the app on port 8501, health at /_stcore/health.
# Build: docker build -t playground .   Run: docker run -p 8501:8501 playground
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    STREAMLIT_SERVER_HEADLESS=true STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
WORKDIR /app

# requirements.txt names PyTorch's CPU wheel index, so this is the small CPU build.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY app.py ./
COPY playground ./playground
COPY views ./views
COPY assets ./assets
COPY .streamlit ./.streamlit

RUN useradd --create-home playground
USER playground
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
CMD ["python", "-m", "streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]
